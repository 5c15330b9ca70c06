// SPDX-License-Identifier: LGPL-2.1-or-later
// What every test class that mounts shares: the mounts a test keeps are
// unmounted after it, whether it passed or not.
import java.util.ArrayList;
import java.util.List;
import org.junit.After;

abstract class MountingTest {
    final List<BindingTest.Mounted> mounts = new ArrayList<>();

    /** Keeps m to be unmounted after the test; returns it. */
    BindingTest.Mounted keep(BindingTest.Mounted m) {
        mounts.add(m);
        return m;
    }

    @After
    public void unmount() throws Exception {
        for (BindingTest.Mounted m : mounts)
            m.close();
    }
}
