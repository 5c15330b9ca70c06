// SPDX-License-Identifier: LGPL-2.1-or-later
// The binding's Windows calls and export on real mounts (JUnit 4): the
// Java memfs with -W's volume flags, checked through the kernel with the
// JDK's own calls and with Linux tools (getfattr, build/fsptool,
// build/tests/fsp-handle), and callbacks that return nonsense.
import static org.junit.Assert.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.fsp.*;
import org.junit.Assume;
import org.junit.Test;

public class WindowsTest extends MountingTest {
    static final String BUILD = System.getProperty("fsp.build", "build");
    static final String FSPTOOL = BUILD + "/fsptool";
    static final int WINDOWS = VolumeParams.NAMED_STREAMS
        | VolumeParams.REPARSE_POINTS | VolumeParams.READONLY_ATTR
        | VolumeParams.SECURITY;
    BindingTest.Mounted mount(org.fsp.FileSystem fs, int flags, String options)
            throws IOException {
        VolumeParams vp = new VolumeParams();
        vp.flags = flags;
        return keep(new BindingTest.Mounted(fs, vp, options));
    }

    /** Runs a command; returns its exit status, then its output. */
    static String[] run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();                 // stdin: empty
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        return new String[] { String.valueOf(p.waitFor()),
                              out.toString(StandardCharsets.UTF_8).trim() };
    }

    static String ok(String... cmd) throws Exception {
        String[] r = run(cmd);
        assertEquals(String.join(" ", cmd) + ": " + r[1], "0", r[0]);
        return r[1];
    }

    static String failing(String... cmd) throws Exception {
        String[] r = run(cmd);
        assertNotEquals(String.join(" ", cmd) + " succeeded: " + r[1], "0", r[0]);
        return r[1];
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void streamsAsAttributes() throws Exception {
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), WINDOWS, "");
        Path f = m.path("f");
        Files.write(f, utf8("main"));
        UserDefinedFileAttributeView x = Files.getFileAttributeView(
            f, UserDefinedFileAttributeView.class);
        String name = "DosStream.s1:$DATA";        // the view adds "user."
        x.write(name, ByteBuffer.wrap(utf8("stream data")));
        ByteBuffer b = ByteBuffer.allocate(x.size(name));
        x.read(name, b);
        // Samba's form: the stream's bytes and one NUL
        assertEquals("stream data\0", new String(b.array(), StandardCharsets.UTF_8));
        assertTrue(x.list().contains(name));
        assertEquals("11 s1", ok(FSPTOOL, "streams", "list", f.toString()));
        assertEquals("main", Files.readString(f));  // the main stream stays
        x.delete(name);
        assertFalse(x.list().contains(name));
        assertEquals("", ok(FSPTOOL, "streams", "list", f.toString()));
    }

    @Test
    public void streamsAsPaths() throws Exception {
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), WINDOWS,
                                      "streams_interface=windows");
        Path f = m.path("f");
        Files.write(f, utf8("main"));
        Path s = m.path("f:s2");
        Files.write(s, utf8("second"));
        assertEquals("second", Files.readString(s));
        assertEquals("6 s2", ok(FSPTOOL, "streams", "list", f.toString()));
        Files.write(s, utf8("!"), StandardOpenOption.APPEND);
        assertEquals("second!", Files.readString(m.path("f:s2:$DATA")));
        Files.delete(s);
        assertFalse(Files.exists(s));
        assertEquals("", ok(FSPTOOL, "streams", "list", f.toString()));
        assertEquals("main", Files.readString(f));
    }

    @Test
    public void reparseData() throws Exception {
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), WINDOWS, "");
        String f = m.path("f").toString();
        Files.write(m.path("f"), utf8("x"));
        ok(FSPTOOL, "reparse", f, "set", "0x80000017", "0102030405");
        assertEquals("tag 0x80000017\ndata 0102030405", ok(FSPTOOL, "reparse", f));
        assertTrue(ok("getfattr", "-n", "system.ntfs_reparse_data", "-e", "hex", f)
                   .contains("=0x17000080050000000102030405"));
        // another tag while one is set: EEXIST, as Windows
        assertTrue(failing(FSPTOOL, "reparse", f, "set", "0x80000018", "00")
                   .contains("exists"));
        ok(FSPTOOL, "reparse", f, "delete");
        assertTrue(failing("getfattr", "-n", "system.ntfs_reparse_data", f)
                   .contains("No such attribute"));
    }

    @Test
    public void securityDescriptors() throws Exception {
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), WINDOWS, "");
        Path p = m.path("f");
        Files.write(p, utf8("x"));
        String f = p.toString();
        String sddl = "O:S-1-22-1-1234G:S-1-22-2-55D:P(A;;FA;;;S-1-22-1-1234)(A;;FR;;;WD)";
        ok(FSPTOOL, "sd", "set", f, sddl);
        assertEquals(sddl, ok(FSPTOOL, "sd", "get", f));
        // the descriptor decides the owner, group and mode the kernel shows
        assertEquals("1234 55 744", ok("stat", "-c", "%u %g %a", f));
        // the binding's helpers agree with fsp
        byte[] sd = Security.fromSddl(sddl);
        Security.check(sd);
        assertEquals(sddl, Security.toSddl(sd));
        try {
            Security.fromSddl("D:(nonsense");
            fail("bad SDDL parsed");
        } catch (FspException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        try {
            Security.check(Arrays.copyOf(sd, 7));
            fail("a cut descriptor passed the check");
        } catch (FspException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        byte[] parent = Security.fromSddl("O:BAG:BAD:(A;OICI;FA;;;CO)(A;OICI;FR;;;WD)");
        assertEquals("O:S-1-22-1-7G:S-1-22-2-8D:AI(A;ID;FA;;;S-1-22-1-7)(A;ID;FR;;;WD)",
                     Security.toSddl(Security.inherit(parent, "S-1-22-1-7",
                                                      "S-1-22-2-8", false)));
        assertNull(Security.inherit(Security.fromSddl("O:BAD:(A;;FA;;;WD)"),
                                    "BA", "BA", true));
        // a new file gets its descriptor through create (inherited here)
        ok(FSPTOOL, "sd", "set", m.dir.toString(),
           "O:S-1-22-1-0G:S-1-22-2-0D:P(A;OICI;FA;;;CO)(A;OICI;FR;;;WD)");
        Files.write(m.path("g"), utf8("y"));
        assertTrue(ok(FSPTOOL, "sd", "get", m.path("g").toString())
                   .contains("(A;ID;FR;;;WD)"));
    }

    @Test
    public void readOnlyAttribute() throws Exception {
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), WINDOWS, "");
        Path p = m.path("f");
        Files.write(p, utf8("x"));
        ok(FSPTOOL, "attrib", p.toString(), "+r");
        try {
            // with stateless opens the open passes and the write fails
            Files.write(p, utf8("y"), StandardOpenOption.APPEND);
            fail("wrote a read-only file");
        } catch (IOException e) {
            assertTrue(e.toString(), e instanceof AccessDeniedException
                       || "Permission denied".equals(e.getMessage()));  // EACCES
        }
        try {
            Files.delete(p);
            fail("deleted a read-only file");
        } catch (FileSystemException e) {
            assertEquals("Operation not permitted", e.getReason());  // EPERM
        }
        ok(FSPTOOL, "attrib", p.toString(), "-r");
        Files.delete(p);
    }

    @Test
    public void handlesSurviveDropCaches() throws Exception {
        String helper = BUILD + "/tests/fsp-handle";
        Assume.assumeTrue("no " + helper, Files.isExecutable(Paths.get(helper)));
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), 0, "");
        Files.createDirectories(m.path("a/b"));
        Files.write(m.path("a/b/f"), utf8("payload"));
        Path hf = Files.createTempFile("fsp-java-handle", ".f");
        Path hd = Files.createTempFile("fsp-java-handle", ".d");
        try {
            ok(helper, "save", m.path("a/b/f").toString(), hf.toString());
            ok(helper, "save", m.path("a/b").toString(), hd.toString());
            String ino = ok("stat", "-c", "%i", m.path("a/b").toString());
            ok("sh", "-c", "sync; echo 2 > /proc/sys/vm/drop_caches");
            assertEquals("payload", ok(helper, "cat", m.dir.toString(), hf.toString()));
            ok("sh", "-c", "sync; echo 2 > /proc/sys/vm/drop_caches");
            // a directory handle: the kernel reconnects it through ".."
            assertEquals(ino, ok(helper, "stat", m.dir.toString(), hd.toString()));
            Files.delete(m.path("a/b/f"));
            ok("sh", "-c", "sync; echo 2 > /proc/sys/vm/drop_caches");
            assertEquals("ERR ESTALE", run(helper, "cat", m.dir.toString(),
                                           hf.toString())[1]);
        } finally {
            Files.deleteIfExists(hf);
            Files.deleteIfExists(hd);
        }
    }

    /** memfs whose Windows callbacks answer nonsense once armed. */
    static final class Broken extends MemFs {
        volatile boolean armed;

        Broken() {
            super("memfs", true, false);
        }

        @Override
        public synchronized byte[] getReparseData(Request req, Object node) {
            byte[] b = super.getReparseData(req, node);
            return armed && b != null ? Arrays.copyOf(b, b.length - 1) : b;
        }

        @Override
        public synchronized byte[] getSecurity(Request req, Object node) {
            byte[] b = super.getSecurity(req, node);
            return armed && b != null ? new byte[] { 1, 0, 4, (byte) 0x80 } : b;
        }

        @Override
        public synchronized Map<String, Long> getStreamInfo(Request req,
                                                            Object node) {
            Map<String, Long> s = super.getStreamInfo(req, node);
            if (!armed)
                return s;
            Map<String, Long> bad = new LinkedHashMap<>(s);
            bad.put("no/slashes", 1L);
            return bad;
        }
    }

    @Test
    public void nonsenseAnswersAnErrorAndKeepsServing() throws Exception {
        Broken fs = new Broken();
        BindingTest.Mounted m = mount(fs, WINDOWS, "");
        Path p = m.path("f");
        String f = p.toString();
        Files.write(p, utf8("still here"));
        ok(FSPTOOL, "reparse", f, "set", "0x80000017", "0102030405");
        ok(FSPTOOL, "sd", "set", f, "O:BAG:BAD:P(A;;FA;;;WD)");
        ok(FSPTOOL, "streams", "write", f, "s");
        AtomicInteger logged = new AtomicInteger();
        Handler count = new Handler() {
            @Override public void publish(LogRecord r) { logged.incrementAndGet(); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger.getLogger("org.fsp").addHandler(count);
        try {
            fs.armed = true;
            assertTrue(failing("getfattr", "-n", "system.ntfs_reparse_data", f)
                       .contains("Input/output error"));
            assertTrue(failing(FSPTOOL, "sd", "get", f)
                       .contains("Input/output error"));
            assertTrue(failing(FSPTOOL, "streams", "list", f)
                       .contains("Input/output error"));
            assertTrue("nothing logged", logged.get() >= 3);
            assertEquals("still here", Files.readString(p));
            fs.armed = false;
            assertEquals("tag 0x80000017\ndata 0102030405", ok(FSPTOOL, "reparse", f));
        } finally {
            Logger.getLogger("org.fsp").removeHandler(count);
        }
    }

    @Test
    public void notifyStoreRetrieveExpireDelete() throws Exception {
        VolumeParams vp = new VolumeParams();
        vp.fileInfoTimeoutMs = 60000;
        BindingTest.Mounted m = keep(new BindingTest.Mounted(
            new MemFs("memfs", true, false), vp, ""));
        Path p = m.path("f");
        Files.write(p, utf8("12345"));
        long index = (Long) Files.getAttribute(p, "unix:ino");
        // the whole file into the page cache: reads get it, not memfs
        assertTrue(m.mount.notifyStore(index, 0, utf8("abcde")));
        assertEquals("abcde", Files.readString(p));
        assertEquals("abcde", new String(m.mount.notifyRetrieve(index, 0, 5, 5000),
                                         StandardCharsets.UTF_8));
        assertEquals(0, m.mount.notifyRetrieve(index, 8192, 5, 5000).length);
        try {
            assertTrue(m.mount.notifyExpire(1, "f"));
        } catch (FspException e) {
            assertEquals("kernel before FUSE 7.38", Errno.ENOSYS, e.errno());
        }
        assertTrue(m.mount.notifyDelete(1, 0, "f"));  // the name only
        assertFalse(m.mount.notifyEntry(1, "f"));      // nothing cached now
        assertTrue(Files.exists(p));                   // looked up again
        assertFalse(m.mount.notifyInode(1L << 40, -1, 0));
    }

    @Test
    public void plainMemfsHasNoStreams() throws Exception {
        // without NAMED_STREAMS fsp never calls the stream callbacks: the
        // name is an ordinary user attribute
        BindingTest.Mounted m = mount(new MemFs("memfs", true, false), 0, "");
        Path p = m.path("f");
        Files.write(p, utf8("x"));
        UserDefinedFileAttributeView x = Files.getFileAttributeView(
            p, UserDefinedFileAttributeView.class);
        x.write("DosStream.s:$DATA", ByteBuffer.wrap(utf8("v")));
        assertTrue(x.list().contains("DosStream.s:$DATA"));
    }
}
