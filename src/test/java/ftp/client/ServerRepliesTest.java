package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Server replies in the user's language, always with their code. */
class ServerRepliesTest {
    private static final Messages ZH = new Messages(Locale.SIMPLIFIED_CHINESE);
    private static final Messages EN = new Messages(Locale.ENGLISH);

    private static Reply reply(int code, String text) {
        return new Reply(code, List.of(code + " " + text));
    }

    @Test
    void commonTextsAreTranslatedAndKeepTheirCode() {
        assertThat(ServerReplies.describe(reply(550, "No such file or directory."), ZH)).isEqualTo("550 没有这个文件或目录。");
        assertThat(ServerReplies.describe(reply(530, "Login incorrect."), ZH)).isEqualTo("530 用户名或密码错误。");
        assertThat(ServerReplies.describe(reply(421, "Idle timeout (300 s); closing control connection."), ZH))
                .isEqualTo("421 空闲时间过长, 服务器已关闭连接。");
    }

    @Test
    void otherTextsOfTheCommonCodesGetTheCodesMeaningAndTheServersWords() {
        assertThat(ServerReplies.describe(reply(553, "Name has a forbidden character."), ZH))
                .isEqualTo("553 文件名不允许 (Name has a forbidden character.)");
        assertThat(ServerReplies.describe(reply(552, "Over quota by 5 bytes."), ZH)).startsWith("552 超出存储空间配额 (");
    }

    @Test
    void theRestAndEverythingInEnglishIsShownAsSent() {
        assertThat(ServerReplies.describe(reply(451, "Local error."), ZH)).isEqualTo("451 Local error.");
        assertThat(ServerReplies.describe(reply(550, "No such file or directory."), EN))
                .isEqualTo("550 No such file or directory.");
        assertThat(ServerReplies.describe(reply(550, "Whatever."), new Messages(Locale.FRENCH)))
                .isEqualTo("550 Whatever.");
    }
}
