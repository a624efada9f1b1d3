package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UmaskTest {
    private static String mode(FileAttribute<Set<PosixFilePermission>> attribute) {
        return PosixFilePermissions.toString(attribute.value());
    }

    @Test
    void octalDigitsGiveTheModesOfNewFilesAndFolders() {
        assertThat(mode(Umask.DEFAULT.forFiles())).isEqualTo("rw-------");
        assertThat(mode(Umask.DEFAULT.forDirectories())).isEqualTo("rwx------");
        assertThat(mode(Umask.parse("027").forFiles())).isEqualTo("rw-r-----");
        assertThat(mode(Umask.parse("0022").forDirectories())).isEqualTo("rwxr-xr-x");
        assertThat(mode(Umask.parse("0").forFiles())).isEqualTo("rw-rw-rw-");
        assertThat(mode(Umask.parse("777").forDirectories())).isEqualTo("---------");
    }

    @Test
    void anythingButOctalDigitsIsRefused() {
        for (String bad : new String[] {"", "8", "0o77", "rwx", "-22", "77777", " 77"}) {
            assertThatThrownBy(() -> Umask.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
