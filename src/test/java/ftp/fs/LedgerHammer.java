package ftp.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node of {@link SharedLedgerProcessesTest}, run in its own JVM: uploads files of random sizes into one
 * home through a shared ledger, as an upload does (charged through its handle before the bytes are
 * written), and deletes some of its files again. Prints {@code op N} after each operation, so the test can
 * kill it mid-way, and {@code done STORED REFUSED} at the end.
 *
 * <p>Arguments: home, node name, quota bytes, lease size, lease time in ms, operations, seed.
 */
public final class LedgerHammer {
    private LedgerHammer() {}

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        String node = args[1];
        long quota = Long.parseLong(args[2]);
        LeaseTerms terms = new LeaseTerms(node, Long.parseLong(args[3]), Duration.ofMillis(Long.parseLong(args[4])),
                Clock.systemUTC(), new LongAdder());
        int operations = Integer.parseInt(args[5]);
        Random random = new Random(Long.parseLong(args[6]));
        QuotaLedger ledger = QuotaLedger.shared("hammered", OptionalLong.of(quota), OptionalLong.empty(), home,
                terms);
        ledger.recomputeOnce(home);
        List<Path> mine = new ArrayList<>();
        int stored = 0;
        int refused = 0;
        for (int i = 0; i < operations; i++) {
            if (!mine.isEmpty() && random.nextInt(4) == 0) {
                Path gone = mine.remove(random.nextInt(mine.size()));
                ledger.remove(() -> deleted(gone));
            } else {
                Path file = home.resolve(node + "-" + i);
                int size = 1 + random.nextInt(40 << 10);
                if (upload(ledger, file, size)) {
                    mine.add(file);
                    stored++;
                } else {
                    refused++;
                }
            }
            System.out.println("op " + i);
        }
        System.out.println("done " + stored + " " + refused);
    }

    private static BasicFileAttributes deleted(Path file) throws FsException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Files.delete(file);
            return attrs;
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /** Charges, then writes {@code size} bytes; a refused upload leaves its (empty) file removed. */
    private static boolean upload(QuotaLedger ledger, Path file, int size) throws IOException {
        ChargedFile charged;
        try {
            charged = ledger.openForUpload(mayCreate -> {
                if (!mayCreate) {
                    throw new FsException(FsException.Kind.OVER_QUOTA);
                }
                try {
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, StandardOpenOption.READ);
                    return new OpenedForWrite(channel, true, 0,
                            Files.readAttributes(file, BasicFileAttributes.class).fileKey());
                } catch (IOException e) {
                    throw FsException.from(e);
                }
            });
        } catch (FsException e) {
            if (e.kind() != FsException.Kind.OVER_QUOTA) {
                throw e;
            }
            return false;
        }
        boolean fits;
        try (charged) {
            fits = charged.tryGrowTo(size);
            if (fits) {
                ByteBuffer bytes = ByteBuffer.allocate(size);
                while (bytes.hasRemaining()) {
                    charged.channel().write(bytes, bytes.position());
                }
            }
        }
        if (!fits) {
            ledger.remove(() -> deleted(file));
        }
        return fits;
    }
}
