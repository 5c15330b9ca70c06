// SPDX-License-Identifier: LGPL-2.1-or-later
// Mount's SidMapper on real mounts (JUnit 4): the Java memfs with
// VolumeParams.SECURITY and a mapper for a made-up domain
// S-1-5-21-1-2-3, checked through the kernel with build/fsptool and
// stat(1): descriptors owned by the domain's SIDs show the mapped ids,
// chown to those ids gives the SIDs back, anything else falls back to
// fsp's default mapping, and a mapper that throws fails only the request
// that needed it.
import static org.junit.Assert.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.fsp.*;
import org.junit.Test;

public class SidMapperTest extends MountingTest {
    static final String FSPTOOL = WindowsTest.FSPTOOL;
    static final String USER = "S-1-5-21-1-2-3-1001";
    static final String GROUP = "S-1-5-21-1-2-3-513";

    /** USER is uid 4242, GROUP gid 4343; the rest is fsp's (ENOENT). */
    static class Domain implements SidMapper {
        final AtomicInteger toId = new AtomicInteger(), toSid = new AtomicInteger();
        volatile boolean broken;

        @Override
        public PosixId sidToId(String sid) throws FspException {
            toId.incrementAndGet();
            if (broken && sid.startsWith("S-1-5-21-1-2-3-"))
                throw new IllegalStateException("directory service down");
            if (sid.equals(USER))
                return PosixId.user(4242);
            if (sid.equals(GROUP))
                return PosixId.group(4343);
            return null;
        }

        @Override
        public String idToSid(int id, boolean isGroup) throws FspException {
            toSid.incrementAndGet();
            if (broken && (id == 4242 || id == 4343))
                throw new IllegalStateException("directory service down");
            if (!isGroup && id == 4242)
                return USER;
            if (isGroup && id == 4343)
                return GROUP;
            throw new FspException(Errno.ENOENT);   // the other way to say null
        }
    }

    BindingTest.Mounted mount(SidMapper mapper) throws Exception {
        VolumeParams vp = new VolumeParams();
        vp.flags = VolumeParams.SECURITY;
        return keep(new BindingTest.Mounted(
            new MemFs("memfs", true, false), vp, "", mapper));
    }

    @Test
    public void sidMapperMapsBothWays() throws Exception {
        Domain d = new Domain();
        BindingTest.Mounted m = mount(d);
        Path p = m.path("f");
        Files.write(p, WindowsTest.utf8("x"));
        String f = p.toString();
        String sddl = "O:" + USER + "G:" + GROUP + "D:P(A;;FA;;;WD)";
        WindowsTest.ok(FSPTOOL, "sd", "set", f, sddl);
        assertTrue("sidToId never called", d.toId.get() > 0);
        assertEquals("4242 4343", WindowsTest.ok("stat", "-c", "%u %g", f));
        assertEquals(sddl, WindowsTest.ok(FSPTOOL, "sd", "get", f));
        // POSIX -> descriptor: chown asks idToSid
        Path g = m.path("g");
        Files.write(g, WindowsTest.utf8("y"));
        WindowsTest.ok("chown", "4242:4343", g.toString());
        assertTrue("idToSid never called", d.toSid.get() > 0);
        String got = WindowsTest.ok(FSPTOOL, "sd", "get", g.toString());
        assertTrue(got, got.startsWith("O:" + USER + "G:" + GROUP + "D:"));
        // ids and SIDs the mapper does not know: fsp's default mapping
        WindowsTest.ok("chown", "1234:55", g.toString());
        got = WindowsTest.ok(FSPTOOL, "sd", "get", g.toString());
        assertTrue(got, got.startsWith("O:S-1-22-1-1234G:S-1-22-2-55D:"));
        WindowsTest.ok(FSPTOOL, "sd", "set", f, "O:S-1-22-1-77G:S-1-22-2-88D:P(A;;FA;;;WD)");
        assertEquals("77 88", WindowsTest.ok("stat", "-c", "%u %g", f));
    }

    @Test
    public void throwingSidMapperAnswersEioAndKeepsServing() throws Exception {
        Domain d = new Domain();
        BindingTest.Mounted m = mount(d);
        Path p = m.path("f");
        Files.write(p, WindowsTest.utf8("still here"));
        String f = p.toString();
        AtomicInteger logged = new AtomicInteger();
        Handler count = new Handler() {
            @Override public void publish(LogRecord r) { logged.incrementAndGet(); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger log = Logger.getLogger("org.fsp");
        boolean parents = log.getUseParentHandlers();
        log.addHandler(count);
        log.setUseParentHandlers(false);   // the expected traces stay quiet
        try {
            String ids = WindowsTest.ok("stat", "-c", "%u %g", f);
            d.broken = true;
            // descriptor -> POSIX: a failed sid_to_id fails the request
            // and nothing changes
            String sdOut = WindowsTest.failing(FSPTOOL, "sd", "set", f,
                "O:" + USER + "G:" + GROUP + "D:P(A;;FA;;;WD)");
            assertTrue(sdOut, sdOut.contains("Input/output error"));
            assertEquals(ids, WindowsTest.ok("stat", "-c", "%u %g", f));
            assertTrue("sidToId's exception not logged", logged.get() >= 1);
            // POSIX -> descriptor: a failed id_to_sid fails the request
            int before = logged.get();
            String out = WindowsTest.failing("chown", "4242", f);
            assertTrue(out, out.contains("Input/output error"));
            assertTrue("idToSid's exception not logged", logged.get() > before);
            // the mount keeps serving, also SIDs the mapper answers
            assertEquals("still here", Files.readString(p));
            WindowsTest.ok(FSPTOOL, "sd", "set", f, "O:S-1-22-1-77G:S-1-22-2-88D:P(A;;FA;;;WD)");
            assertEquals("77 88", WindowsTest.ok("stat", "-c", "%u %g", f));
            d.broken = false;
            WindowsTest.ok("chown", "4242:4343", f);
            assertEquals("4242 4343", WindowsTest.ok("stat", "-c", "%u %g", f));
        } finally {
            log.removeHandler(count);
            log.setUseParentHandlers(parents);
        }
    }
}
