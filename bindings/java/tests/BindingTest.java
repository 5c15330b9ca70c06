// SPDX-License-Identifier: LGPL-2.1-or-later
// The Java binding's own contract on real mounts (JUnit 4): contexts,
// errno mapping, failures that answer an error and keep the mount
// serving, pending completion from other threads, identity, notification.
import static org.junit.Assert.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fsp.*;
import org.fsp.FileSystem;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.Test;

public class BindingTest extends MountingTest {
    static final byte[] TEXT = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);

    static final class Mounted {
        final Path dir;
        final Mount mount;
        final Thread thread;

        Mounted(FileSystem fs, VolumeParams vp) throws IOException {
            this(fs, vp, "");
        }

        Mounted(FileSystem fs, VolumeParams vp, String options)
                throws IOException {
            this(fs, vp, options, null);
        }

        Mounted(FileSystem fs, VolumeParams vp, String options,
                SidMapper sidMapper) throws IOException {
            dir = Files.createTempDirectory("fsp-junit.");
            try {
                mount = new Mount(fs, dir.toString(), options, vp, -1, false,
                                  sidMapper);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(dir);  // a refused mount leaves nothing
                throw e;
            }
            thread = new Thread(() -> {
                try {
                    mount.run(false);
                } catch (IOException e) {
                    e.printStackTrace();
                }
            });
            thread.start();
        }

        Path path(String name) {
            return dir.resolve(name);
        }

        void close() throws Exception {
            mount.stop();
            thread.join(30000);
            mount.close();
            Files.deleteIfExists(dir);
        }
    }

    Mounted mount(FileSystem fs, boolean cache) throws IOException {
        VolumeParams vp = new VolumeParams();
        if (!cache) {
            vp.fileInfoTimeoutMs = 0;
            vp.flags = VolumeParams.DIRECT_IO;
        }
        return keep(new Mounted(fs, vp));
    }

    /** The errno text the JDK puts in an IOException's message. */
    static void assertFails(String strerror, Callable c) {
        try {
            c.call();
            fail("expected failure: " + strerror);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage()) + " "
                + (e instanceof FileSystemException
                   ? ((FileSystemException) e).getReason() : "");
            assertTrue(e + " should say " + strerror, msg.contains(strerror)
                || (strerror.equals("Permission denied")
                    && e instanceof AccessDeniedException)
                || (strerror.equals("No such file")
                    && e instanceof NoSuchFileException));
        }
    }

    interface Callable {
        void call() throws IOException;
    }

    static final class Node {
        final String name;

        Node(String name) {
            this.name = name;
        }
    }

    static final class OpenFile {
        final Node node;
        final int pid, uid;
        final String path;

        OpenFile(Node node, int pid, int uid, String path) {
            this.node = node; this.pid = pid; this.uid = uid; this.path = path;
        }
    }

    /** Hello plus files whose callbacks misbehave on purpose. */
    static class Tricky extends FileSystem {
        final List<OpenFile> opens = Collections.synchronizedList(new ArrayList<>());
        final List<Object[]> closes = Collections.synchronizedList(new ArrayList<>());
        final List<Object> forgets = Collections.synchronizedList(new ArrayList<>());

        static void info(String name, FileInfo fi) {
            if (name.equals("/")) {
                fi.index = 1;
                fi.mode = Mode.S_IFDIR | 0755;
                fi.nlink = 2;
                return;
            }
            fi.index = 0x100 + (name.hashCode() & 0xffff);
            fi.mode = Mode.S_IFREG | 0644;
            fi.nlink = 1;
            fi.size = TEXT.length;
        }

        @Override
        public Object lookup(Request req, Object parent, String name,
                             FileInfo fi) throws IOException {
            if (parent == null) {
                info("/", fi);
                return "/";
            }
            switch (name) {
            case "denied": throw new AccessDeniedException(name);
            case "custom": throw new FspException(Errno.EXDEV);
            case "bug": throw new IllegalStateException("a bug");
            case "npe": throw new NullPointerException();
            case "badinfo": info(name, fi); fi.size = -1; return new Node(name);
            case "noindex": return new Node(name);
            case "nullnode": info(name, fi); return null;
            case "hello": case "toomuch": case "negative": case "pendnopend":
            case "pended": case "pendfail": case "slowwrite":
                info(name, fi);
                return new Node(name);
            default: throw new NoSuchFileException(name);
            }
        }

        @Override
        public void getFileInfo(Request req, Object node, Object file,
                                FileInfo fi) {
            info(node instanceof Node ? ((Node) node).name : "/", fi);
        }

        @Override
        public Object open(Request req, Object node, int flags, FileInfo fi) {
            if (!(node instanceof Node)) {               // the root directory
                info("/", fi);
                return null;
            }
            OpenFile f = new OpenFile((Node) node, req.pid(), req.uid(),
                                      req.path());
            opens.add(f);
            info(((Node) node).name, fi);
            return f;
        }

        @Override
        public void close(Object node, Object file) {
            closes.add(new Object[] { node, file });
        }

        @Override
        public void forget(Object node) {
            forgets.add(node);
        }

        @Override
        public int read(Request req, Object node, Object file, ByteBuffer buf,
                        long offset) {
            assertSame(((OpenFile) file).node, node);
            String name = ((Node) node).name;
            int n = (int) Math.max(0, Math.min(buf.capacity(), TEXT.length - offset));
            switch (name) {
            case "toomuch": return buf.capacity() + 1;
            case "negative": return -7;
            case "pendnopend": return Request.PENDING;
            case "pended": {
                PendingRequest p = req.pend();
                new Thread(() -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    p.buffer().put(0, TEXT, (int) offset, n);
                    p.completeRead(n);
                }).start();
                return Request.PENDING;
            }
            case "pendfail":
                req.pend();
                throw new IllegalStateException("failed after pending");
            default:
                buf.put(0, TEXT, (int) offset, n);
                return n;
            }
        }

        @Override
        public int write(Request req, Object node, Object file, ByteBuffer data,
                         long offset, FileInfo fi) {
            String name = ((Node) node).name;
            info(name, fi);
            if (name.equals("slowwrite")) {
                PendingRequest p = req.pend();
                int n = data.remaining();
                FileInfo after = new FileInfo().set(fi);
                new Thread(() -> p.completeWrite(n, after)).start();
                return Request.PENDING;
            }
            return data.remaining() + 1;                 // more than it got
        }
    }

    @Test
    public void hello() throws Exception {
        Mounted m = mount(new Tricky() {
            @Override
            public void readDirectory(Request req, Object node, Object file,
                                      DirBuffer db) {
                FileInfo fi = new FileInfo();
                info("hello", fi);
                db.add("hello", fi);
            }
        }, true);
        assertArrayEquals(TEXT, Files.readAllBytes(m.path("hello")));
        try (DirectoryStream<Path> d = Files.newDirectoryStream(m.dir)) {
            List<String> names = new ArrayList<>();
            d.forEach(p -> names.add(p.getFileName().toString()));
            assertEquals(List.of("hello"), names);
        }
        assertEquals(TEXT.length, Files.size(m.path("hello")));
        assertFalse(Files.exists(m.path("nothing")));
    }

    @Test
    public void errnoMapping() throws Exception {
        Mounted m = mount(new Tricky(), false);
        assertFails("Permission denied", () -> Files.size(m.path("denied")));
        assertFails("Invalid cross-device link", () -> Files.size(m.path("custom")));
        assertFails("No such file", () -> Files.size(m.path("absent")));
    }

    @Test
    public void failuresAnswerEioAndKeepServing() throws Exception {
        Mounted m = mount(new Tricky(), false);
        for (String name : new String[] { "bug", "npe", "badinfo", "noindex",
                                          "nullnode" }) {
            assertFails("Input/output error", () -> Files.size(m.path(name)));
            assertArrayEquals(TEXT, Files.readAllBytes(m.path("hello")));
        }
    }

    @Test
    public void badReadsAnswerEio() throws Exception {
        Mounted m = mount(new Tricky(), false);
        for (String name : new String[] { "toomuch", "negative", "pendnopend",
                                          "pendfail" }) {
            assertFails("Input/output error",
                        () -> Files.readAllBytes(m.path(name)));
            assertArrayEquals(TEXT, Files.readAllBytes(m.path("hello")));
        }
    }

    @Test
    public void writeReportingTooMuchIsEio() throws Exception {
        Mounted m = mount(new Tricky(), false);
        assertFails("Input/output error",
                    () -> Files.write(m.path("hello"), new byte[] { 1, 2, 3 },
                                      StandardOpenOption.WRITE));
        assertArrayEquals(TEXT, Files.readAllBytes(m.path("hello")));
    }

    @Test
    public void pendingCompletionFromOtherThreads() throws Exception {
        Mounted m = mount(new Tricky(), false);
        long t0 = System.nanoTime();
        assertArrayEquals(TEXT, Files.readAllBytes(m.path("pended")));
        assertTrue(System.nanoTime() - t0 >= 200_000_000L);
        try (FileChannel c = FileChannel.open(m.path("slowwrite"),
                                              StandardOpenOption.WRITE)) {
            assertEquals(4, c.write(ByteBuffer.wrap(new byte[] { 1, 2, 3, 4 })));
        }
    }

    @Test
    public void contextsAndIdentity() throws Exception {
        Tricky fs = new Tricky();
        Mounted m = mount(fs, false);
        Files.readAllBytes(m.path("hello"));
        OpenFile f = fs.opens.get(fs.opens.size() - 1);
        // the caller's thread id: one of this JVM's threads
        assertTrue(Files.exists(Paths.get("/proc/self/task/" + f.pid)));
        assertEquals(0, f.uid);
        assertEquals("/hello", f.path);
        for (int i = 0; i < 100 && fs.closes.isEmpty(); i++)
            Thread.sleep(10);                        // RELEASE is asynchronous
        Object[] closed = fs.closes.get(fs.closes.size() - 1);
        assertSame(f, closed[1]);
        assertSame(f.node, closed[0]);
        mounts.remove(m);
        m.close();                                   // unmount forgets all
        assertTrue(fs.forgets.contains(f.node));
    }

    @Test
    public void memfsNotifyAndXattrs() throws Exception {
        MemFs fs = new MemFs("memfs", true, false);
        VolumeParams vp = new VolumeParams();
        vp.fileInfoTimeoutMs = 60000;
        Mounted m = keep(new Mounted(fs, vp));
        Path f = m.path("f");
        Files.write(f, "12345".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, Files.size(f));
        long index = (Long) Files.getAttribute(f, "unix:ino");
        // a change through the mount, then a notification: the kernel
        // drops the attributes it cached and asks again
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
            c.truncate(2);
        }
        assertEquals(2, Files.size(f));
        assertTrue(m.mount.notifyInode(index, -1, 0));
        UserDefinedFileAttributeView x = Files.getFileAttributeView(
            f, UserDefinedFileAttributeView.class);
        x.write("k", ByteBuffer.wrap(new byte[100]));
        assertEquals(100, x.size("k"));
        assertTrue(x.list().contains("k"));
    }

    @Test
    public void mountFailureThrows() {
        try {
            new Mount(new Tricky(), "/nonexistent/fsp-junit").close();
            fail("mounted on a missing directory");
        } catch (IOException e) {
            assertTrue(e instanceof FspException);
        }
    }
}
