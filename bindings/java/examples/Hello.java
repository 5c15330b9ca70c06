// SPDX-License-Identifier: 0BSD
// Hello MOUNTPOINT: one read-only file, /hello, saying hello.
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.fsp.*;

public class Hello extends FileSystem {
    static final byte[] TEXT = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);

    static void stat(String node, FileInfo fi) {
        boolean root = node.equals("/");
        fi.index = root ? 1 : 2;
        fi.mode = root ? Mode.S_IFDIR | 0755 : Mode.S_IFREG | 0444;
        fi.nlink = root ? 2 : 1;
        fi.size = root ? 0 : TEXT.length;
    }

    @Override
    public Object lookup(Request req, Object parent, String name, FileInfo fi)
            throws FspException {
        String node = parent == null ? "/" : name;   // parent null: the root
        if (!node.equals("/") && !node.equals("hello"))
            throw new FspException(Errno.ENOENT);
        stat(node, fi);
        return node;
    }

    @Override
    public void getFileInfo(Request req, Object node, Object file, FileInfo fi) {
        stat((String) node, fi);
    }

    @Override
    public Object open(Request req, Object node, int flags, FileInfo fi) {
        stat((String) node, fi);
        return null;                                  // no per-open state
    }

    @Override
    public int read(Request req, Object node, Object file, ByteBuffer buf,
                    long offset) {
        int n = (int) Math.max(0, Math.min(buf.capacity(), TEXT.length - offset));
        buf.put(TEXT, (int) Math.min(offset, TEXT.length), n);
        return n;
    }

    @Override
    public void readDirectory(Request req, Object node, Object file,
                              DirBuffer db) {
        FileInfo fi = new FileInfo();
        stat("hello", fi);
        db.add("hello", fi);
    }

    public static void main(String[] args) throws Exception {
        try (Mount m = new Mount(new Hello(), args[0])) {
            m.run();                                  // until unmounted or Ctrl-C
        }
    }
}
