package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static Properties bundle(String suffix) throws IOException {
        Properties p = new Properties();
        try (InputStream in = MessagesTest.class.getResourceAsStream("/ftp/client/messages" + suffix + ".properties")) {
            assertThat(in).as("bundle messages%s", suffix).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void bothLanguagesHaveTheSameKeysAndArguments() throws IOException {
        Properties en = bundle("");
        Properties zh = bundle("_zh_CN");
        assertThat(new TreeSet<>(zh.stringPropertyNames())).isEqualTo(new TreeSet<>(en.stringPropertyNames()));
        for (String key : en.stringPropertyNames()) {
            assertThat(arguments(zh.getProperty(key))).as(key).isEqualTo(arguments(en.getProperty(key)));
        }
    }

    @Test
    void everyCommandHasHelpInBothLanguages() throws IOException {
        Set<String> keys = bundle("_zh_CN").stringPropertyNames();
        for (String command : new String[] {"help", "ls", "cd", "pwd", "mkdir", "rmdir", "remove", "rename", "quota",
            "upload", "resume_upload", "download", "resume_download", "lcd", "lls", "lpwd", "quit"}) {
            assertThat(keys).contains("help." + command + ".usage", "help." + command + ".text");
        }
    }

    @Test
    void chineseUsesTheSeedsWording() {
        Messages zh = new Messages(Locale.SIMPLIFIED_CHINESE);
        assertThat(zh.get("login.ok")).isEqualTo("用户名密码正确, 认证成功!");
        assertThat(zh.get("mkdir.ok")).isEqualTo("创建目录成功!");
        assertThat(zh.get("rmdir.ok")).isEqualTo("删除目录成功!");
        assertThat(zh.get("remove.ok")).isEqualTo("删除文件成功!");
        assertThat(zh.get("upload.space.before", "68.97 MiB"))
                .isEqualTo("你可以上传文件, 在您上传之前, 您的目前空间:68.97 MiB!");
        assertThat(zh.get("upload.space.after", "66.07 MiB"))
                .isEqualTo("上传文件成功, 您上传完后的剩余空间:66.07 MiB!");
        assertThat(zh.get("upload.running")).isEqualTo("upload running...");
        assertThat(zh.get("download.succeed")).isEqualTo("download succeed!");
    }

    @Test
    void englishIsChosenForEnglishEvenOnAChineseMachine() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.SIMPLIFIED_CHINESE);
            assertThat(new Messages(Locale.ENGLISH).get("mkdir.ok")).isEqualTo("Directory created!");
            assertThat(new Messages(Locale.US).get("login.ok")).startsWith("Username and password correct");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void theLocaleComesFromTheSettingThenTheEnvironment() {
        assertThat(Messages.choose("zh_CN", Map.of("LANG", "en_US.UTF-8"))).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(Messages.choose("", Map.of("LANG", "zh_CN.UTF-8"))).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(Messages.choose("", Map.of("LC_ALL", "C.UTF-8", "LANG", "zh_CN.UTF-8")))
                .isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(Messages.choose("", Map.of("LC_ALL", "en_US.UTF-8", "LANG", "zh_CN.UTF-8"))).isEqualTo(Locale.US);
        assertThat(Messages.choose("", Map.of("LANG", "C"))).isEqualTo(Locale.ENGLISH);
        assertThat(Messages.choose(" en ", Map.of())).isEqualTo(Locale.ENGLISH);
    }

    @Test
    void argumentsAreFilledInWithoutRegrouping() {
        Messages en = new Messages(Locale.ENGLISH);
        assertThat(en.get("resume_upload.item", 12345, en.get("resume_upload.describe.unknown", "/a", "1.00 KiB", "?")))
                .isEqualTo("12345) /a  1.00 KiB received of ?");
    }

    private static Set<Integer> arguments(String pattern) {
        Set<Integer> used = new TreeSet<>();
        MessageFormat format = new MessageFormat(pattern, Locale.ROOT);
        for (int i = 0; i < format.getFormatsByArgumentIndex().length; i++) {
            if (pattern.contains("{" + i + "}")) {
                used.add(i);
            }
        }
        return used;
    }
}
