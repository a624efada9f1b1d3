package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RemotePathTest {

    @Test
    void resolvesRelativeAbsoluteDotsAndHome() {
        assertThat(RemotePath.resolve("/", "/a", "b/c")).isEqualTo("/a/b/c");
        assertThat(RemotePath.resolve("/", "/a/b", "..")).isEqualTo("/a");
        assertThat(RemotePath.resolve("/", "/a/b", ".")).isEqualTo("/a/b");
        assertThat(RemotePath.resolve("/", "/a/b", "/x//y/")).isEqualTo("/x/y");
        assertThat(RemotePath.resolve("/", "/", "../../..")).isEqualTo("/");
        assertThat(RemotePath.resolve("/home/egon", "/srv", "~")).isEqualTo("/home/egon");
        assertThat(RemotePath.resolve("/home/egon", "/srv", "~/目录1")).isEqualTo("/home/egon/目录1");
        assertThat(RemotePath.resolve("/home/egon", "/srv", "")).isEqualTo("/home/egon");
    }

    @Test
    void displaysTheHomeAsTilde() {
        assertThat(RemotePath.display("/", "/")).isEqualTo("~");
        assertThat(RemotePath.display("/", "/a/b")).isEqualTo("~/a/b");
        assertThat(RemotePath.display("/home/egon", "/home/egon")).isEqualTo("~");
        assertThat(RemotePath.display("/home/egon", "/home/egon/sub")).isEqualTo("~/sub");
        assertThat(RemotePath.display("/home/egon", "/home/egon2")).isEqualTo("/home/egon2");
        assertThat(RemotePath.display("/home/egon", "/etc")).isEqualTo("/etc");
    }

    @Test
    void namesAndParents() {
        assertThat(RemotePath.name("/a/b.txt")).isEqualTo("b.txt");
        assertThat(RemotePath.parent("/a/b.txt")).isEqualTo("/a");
        assertThat(RemotePath.parent("/b.txt")).isEqualTo("/");
        assertThat(RemotePath.name("/")).isEmpty();
    }
}
