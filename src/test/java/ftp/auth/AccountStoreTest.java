package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {
    private static final int ITERATIONS = 1000;
    private static final OptionalLong DEFAULT = OptionalLong.of(100L << 20);
    private static final String HASH = PasswordHasher.hash("123".toCharArray(), ITERATIONS);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("accounts.ini");
    }

    private AccountStore store() {
        return new AccountStore(file(), DEFAULT, OptionalLong.of(100_000));
    }

    private void write(String text) throws IOException {
        Files.writeString(file(), text, StandardCharsets.UTF_8);
    }

    /** Moves the mtime forward so the change is seen even within one tick of a coarse file-system clock. */
    private void writeLater(String text) throws IOException {
        FileTime before = Files.getLastModifiedTime(file());
        write(text);
        Files.setLastModifiedTime(file(), FileTime.fromMillis(before.toMillis() + 5000));
    }

    @Test
    void parsesCommentsDefaultQuotaNoneAndEnabled() throws IOException {
        write("""
                # demo users ; all of them
                ; another comment style
                [egon]
                password = %1$s
                quota = 500K        # inline comment
                enabled = true

                [ly]    ; no quota line: the default applies
                  PASSWORD=%1$s
                [shx]
                password = %1$s
                quota = none
                enabled = FALSE
                """.formatted(HASH));

        AccountStore store = store();

        assertThat(store.all()).extracting(Account::name).containsExactly("egon", "ly", "shx");
        assertThat(store.find("egon").orElseThrow().quota()).hasValue(500 * 1024);
        assertThat(store.find("egon").orElseThrow().enabled()).isTrue();
        assertThat(store.find("ly").orElseThrow().quota()).isEqualTo(DEFAULT);
        assertThat(store.find("ly").orElseThrow().passwordHash()).isEqualTo(HASH);
        assertThat(store.find("shx").orElseThrow().quota()).isEmpty();
        assertThat(store.find("shx").orElseThrow().enabled()).isFalse();
        assertThat(store.find("Egon")).as("names are case-sensitive").isEmpty();
        assertThat(store.find("nobody")).isEmpty();
    }

    @Test
    void windowsLineEndingsAndByteOrderMarkAreAccepted() throws IOException {
        write("\uFEFF[egon]\r\npassword = " + HASH + "\r\nquota = 1M\r\n");

        assertThat(store().find("egon").orElseThrow().quota()).hasValue(1L << 20);
    }

    @Test
    void accountToStringLeavesTheHashOut() throws IOException {
        write("[egon]\npassword = " + HASH + "\n");

        assertThat(store().find("egon").orElseThrow().toString()).contains("egon").doesNotContain(HASH.split(":")[3]);
    }

    @Test
    void missingFileMeansNoAccountsUntilItAppears() throws IOException {
        AccountStore store = store();
        assertThat(store.all()).isEmpty();

        write("[egon]\npassword = " + HASH + "\n");

        assertThat(store.find("egon")).isPresent();
    }

    @Test
    void externalEditIsPickedUpWithoutRestart() throws IOException {
        write("[egon]\npassword = " + HASH + "\nquota = 1M\n");
        AccountStore store = store();
        assertThat(store.find("egon").orElseThrow().quota()).hasValue(1L << 20);

        writeLater("[egon]\npassword = " + HASH + "\nquota = 2M\n"); // same size: only the mtime tells

        assertThat(store.find("egon").orElseThrow().quota()).hasValue(2L << 20);
    }

    @Test
    void malformedFileKeepsLastGoodCopyAndLogsWithoutTheHash() throws IOException {
        write("[egon]\npassword = " + HASH + "\n");
        AccountStore store = store();
        assertThat(store.find("egon")).isPresent();
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(AccountStore.class.getName());
        log.addHandler(capture);
        try {
            writeLater("[egon]\npassword = " + HASH + "\nquota = lots\n[alex]\npassword=" + HASH + "\n");

            assertThat(store.find("egon")).isPresent();
            assertThat(store.find("alex")).isEmpty();
            store.all();
        } finally {
            log.removeHandler(capture);
        }
        assertThat(logged).hasSize(1);
        String message = logged.get(0).getMessage();
        assertThat(message).contains("line 3").doesNotContain(HASH.split(":")[3]);
    }

    @Test
    void malformedVariantsAreRejected() throws IOException {
        String[] bad = {
            "password = " + HASH + "\n",                               // before any header
            "[egon]\n",                                                 // no password
            "[egon]\npassword = 123\n",                                 // plaintext, not a hash
            "[egon]\npassword = " + HASH + "\npassword = " + HASH + "\n",
            "[egon]\npassword = " + HASH + "\n[egon]\npassword = " + HASH + "\n",
            "[egon]\npassword = " + HASH + "\nenabled = maybe\n",
            "[egon]\npassword = " + HASH + "\ncolour = blue\n",
            "[../etc]\npassword = " + HASH + "\n",
            "[egon\npassword = " + HASH + "\n",
            "[egon]\npassword " + HASH + "\n",
        };
        for (String text : bad) {
            write(text);
            AccountStore store = store();
            assertThat(store.all()).as(text).isEmpty();
            assertThatThrownBy(() -> store.setEnabled("egon", true)).as(text).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void mutationsKeepOtherUsersCommentsAndOrder() throws IOException {
        write("""
                # site accounts
                [alex]
                password = %1$s
                quota = 1M   # alex's quota

                # egon is the admin
                [egon]
                password = %1$s

                [ly]
                password = %1$s
                enabled = false
                """.formatted(HASH));
        AccountStore store = store();

        store.setPassword("egon", "new secret".toCharArray(), ITERATIONS);
        store.setQuota("egon", OptionalLong.of(2L << 30));
        store.setEnabled("ly", true);
        store.add("jzd", "123".toCharArray(), null, ITERATIONS);
        store.add("shx", "123".toCharArray(), OptionalLong.empty(), ITERATIONS);
        store.delete("alex");

        String text = Files.readString(file());
        assertThat(text).doesNotContain("[alex]").doesNotContain("alex's quota")
                .contains("# site accounts").contains("# egon is the admin\n[egon]");
        assertThat(store.all()).extracting(Account::name).containsExactly("egon", "ly", "jzd", "shx");
        Account egon = store.find("egon").orElseThrow();
        assertThat(PasswordHasher.verify("new secret".toCharArray(), egon.passwordHash())).isTrue();
        assertThat(egon.quota()).hasValue(2L << 30);
        assertThat(text).contains("quota = 2G");
        assertThat(store.find("ly").orElseThrow().passwordHash()).isEqualTo(HASH);
        assertThat(store.find("ly").orElseThrow().enabled()).isTrue();
        assertThat(store.find("jzd").orElseThrow().quota()).isEqualTo(DEFAULT);
        assertThat(text.substring(text.indexOf("[jzd]"))).startsWith("[jzd]\npassword = ").contains("enabled = true")
                .doesNotContain("quota = 100M");
        assertThat(store.find("shx").orElseThrow().quota()).isEmpty();
    }

    @Test
    void deletingAUserTakesTheCommentDirectlyAboveIt() throws IOException {
        write("""
                # file header
                [alex]
                password = %1$s

                # about egon
                ; still about egon
                [egon]
                password = %1$s
                # trailing note
                """.formatted(HASH));
        AccountStore store = store();

        store.delete("egon");

        assertThat(Files.readString(file())).isEqualTo("# file header\n[alex]\npassword = " + HASH + "\n\n");
        assertThat(store.all()).extracting(Account::name).containsExactly("alex");
    }

    @Test
    void filesLimitsComeFromTheFileOrTheDefaultAndAreSetInPlace() throws IOException {
        write("""
                [egon]
                password = %1$s
                files = 500         # files and folders
                [ly]
                password = %1$s
                quota = 1M
                [shx]
                password = %1$s
                files = none
                """.formatted(HASH));
        AccountStore store = store();
        assertThat(store.find("egon").orElseThrow().files()).hasValue(500);
        assertThat(store.find("ly").orElseThrow().files()).as("no files line: the default").hasValue(100_000);
        assertThat(store.find("shx").orElseThrow().files()).isEmpty();

        store.setFiles("ly", OptionalLong.of(42));
        store.setQuota("egon", OptionalLong.of(3L << 20));
        String text = Files.readString(file());
        assertThat(text).contains("[ly]\npassword = " + HASH + "\nquota = 1M\nfiles = 42\n")
                .contains("files = 500         # files and folders\nquota = 3M\n");
        assertThat(store.find("ly").orElseThrow().files()).hasValue(42);
        assertThat(store.find("egon").orElseThrow().files()).as("kept by a quota change").hasValue(500);

        writeLater("[egon]\npassword = " + HASH + "\nfiles = lots\n");
        assertThat(store.find("egon").orElseThrow().files()).as("a malformed file keeps the last good copy")
                .hasValue(500);
    }

    @Test
    void missingQuotaKeyRoundTripsThroughOtherChanges() throws IOException {
        AccountStore store = store();
        store.add("egon", "123".toCharArray(), null, ITERATIONS);
        store.setEnabled("egon", false);
        store.setPassword("egon", "456".toCharArray(), ITERATIONS);

        assertThat(Files.readString(file())).doesNotContain("quota");
        assertThat(new AccountStore(file(), OptionalLong.of(7), OptionalLong.empty()).find("egon").orElseThrow()
                .quota()).hasValue(7);
    }

    @Test
    void refusesInvalidNamesDuplicatesAndUnknownUsers() {
        AccountStore store = store();
        store.add("egon", "123".toCharArray(), null, ITERATIONS);

        assertThatThrownBy(() -> store.add("egon", "x".toCharArray(), null, ITERATIONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "-x", "a b", "a]b", "x".repeat(33), "名字"}) {
            assertThatThrownBy(() -> store.add(bad, "x".toCharArray(), null, ITERATIONS)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.setPassword("nobody", "x".toCharArray(), ITERATIONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no such user: nobody");
        assertThatThrownBy(() -> store.setQuota("nobody", OptionalLong.empty())).hasMessage("no such user: nobody");
        assertThatThrownBy(() -> store.setEnabled("nobody", true)).hasMessage("no such user: nobody");
        assertThatThrownBy(() -> store.delete("nobody")).hasMessage("no such user: nobody");
        assertThat(store.all()).extracting(Account::name).containsExactly("egon");
    }

    @Test
    void validNames() {
        assertThat(AccountStore.isValidName("egon")).isTrue();
        assertThat(AccountStore.isValidName("_a.b-c9")).isTrue();
        assertThat(AccountStore.isValidName("x".repeat(32))).isTrue();
        assertThat(AccountStore.isValidName("x".repeat(33))).isFalse();
        assertThat(AccountStore.isValidName(".x")).isFalse();
        assertThat(AccountStore.isValidName(null)).isFalse();
    }

    @Test
    void fileIsOwnerOnlyHoldsNoPlaintextAndNoTempFilesRemain() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions are not available on this file system");
        AccountStore store = store();
        store.add("egon", "correct horse battery".toCharArray(), OptionalLong.of(1000), ITERATIONS);
        store.setPassword("egon", "staple sauce".toCharArray(), ITERATIONS);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        String text = Files.readString(file());
        assertThat(text).doesNotContain("correct horse").doesNotContain("staple sauce");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("accounts.ini", "accounts.ini.lock");
        }
    }

    @Test
    void iterationCountsAreThoseOfTheEnabledAccountsInAscendingOrder() {
        AccountStore store = store();
        assertThat(store.iterationCounts()).isEmpty();
        store.add("a", "pw".toCharArray(), null, 3000);
        store.add("b", "pw".toCharArray(), null, 1000);
        store.add("c", "pw".toCharArray(), null, 3000);
        store.add("d", "pw".toCharArray(), null, 2000);
        assertThat(store.iterationCounts()).containsExactly(1000, 2000, 3000, 3000);
        store.setEnabled("c", false);
        assertThat(store.iterationCounts()).as("a disabled account never checks a password")
                .containsExactly(1000, 2000, 3000);
    }

    @Test
    void replaceHashOnlyReplacesTheHashThatWasVerified() throws IOException {
        AccountStore store = store();
        store.add("egon", "123".toCharArray(), null, ITERATIONS);
        String verified = store.find("egon").orElseThrow().passwordHash();
        String stronger = PasswordHasher.hash("123".toCharArray(), 2 * ITERATIONS);

        assertThat(store.replaceHash("egon", verified, stronger)).isTrue();
        assertThat(store.find("egon").orElseThrow().passwordHash()).isEqualTo(stronger);

        FileTime unchanged = Files.getLastModifiedTime(file());
        String text = Files.readString(file());
        assertThat(store.replaceHash("egon", verified, HASH)).as("no longer the verified hash").isFalse();
        assertThat(store.replaceHash("nobody", verified, HASH)).isFalse();
        assertThat(Files.readString(file())).isEqualTo(text);
        assertThat(Files.getLastModifiedTime(file())).as("nothing changed, nothing written").isEqualTo(unchanged);
    }

    @Test
    void concurrentAdminCommandsLoseNoUpdate() throws Exception {
        int perThread = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            AccountStore own = store(); // separate instances, as separate admin invocations would have
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        own.add("u" + id + "_" + i, "pw".toCharArray(), null, ITERATIONS);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(failures).isEmpty();
        assertThat(store().all()).hasSize(3 * perThread);
    }
}
