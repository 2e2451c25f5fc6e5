package org.liveng.kernel.slots;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.liveng.api.medium.Content;

/**
 * A content that hashes itself (SHA-256) while it is read, so that a writer's one pass over the bytes also yields the
 * digest of exactly the bytes written. The digest is that of the last read to the end.
 */
final class HashedContent implements Content {
    private final Content content;
    private volatile String sha256;

    HashedContent(Content content) {
        this.content = content;
    }

    @Override
    public long size() {
        return content.size();
    }

    @Override
    public String describe() {
        return content.describe();
    }

    /** The digest of the bytes of the last read to the end; fails when there was none. */
    String sha256() throws IOException {
        if (sha256 == null) {
            throw new IOException(content.describe() + " was not read to its end before its digest was needed");
        }
        return sha256;
    }

    @Override
    public InputStream open() throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new FilterInputStream(content.open()) {
            private long count;
            private boolean finished;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    md.update((byte) b);
                    count++;
                } else {
                    done();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    md.update(b, off, n);
                    count += n;
                } else if (n < 0) {
                    done();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                super.close();
                done();
            }

            private void done() {
                if (!finished && count == content.size()) {
                    finished = true;
                    sha256 = HexFormat.of().formatHex(md.digest());
                }
            }
        };
    }
}
