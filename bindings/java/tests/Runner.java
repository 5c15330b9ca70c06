// SPDX-License-Identifier: LGPL-2.1-or-later
// Runs JUnit 4 test classes and prints one PASS:/FAIL: line per test, as
// tests/run.sh counts them.  Exit status 0 always (the lines are the verdict).
import org.junit.runner.Description;
import org.junit.runner.JUnitCore;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunListener;

public class Runner {
    public static void main(String[] args) throws Exception {
        JUnitCore core = new JUnitCore();
        core.addListener(new RunListener() {
            private boolean failed;

            @Override
            public void testStarted(Description d) {
                failed = false;
            }

            @Override
            public void testFailure(Failure f) {
                failed = true;
                String why = String.valueOf(f.getMessage()).replace('\n', ' ');
                System.out.println("FAIL: java_junit_" + f.getDescription()
                    .getMethodName() + ": " + why);
                System.out.flush();
            }

            @Override
            public void testFinished(Description d) {
                if (!failed)
                    System.out.println("PASS: java_junit_" + d.getMethodName());
                System.out.flush();
            }
        });
        Class<?>[] classes = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++)
            classes[i] = Class.forName(args[i]);
        core.run(classes);
        System.exit(0);
    }
}
