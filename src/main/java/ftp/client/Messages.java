package ftp.client;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * What the client says, in the user's language: the {@code ftp/client/messages*.properties} bundles (English, and
 * Simplified Chinese with the seed's wording), {@link MessageFormat} patterns with {@code {0}}-style arguments.
 * Arguments are filled in as plain text, so no number is regrouped by locale. Immutable; any thread.
 */
final class Messages {
    static final String BUNDLE = "ftp.client.messages";

    private final ResourceBundle bundle;

    Messages(Locale locale) {
        // No fallback to the JVM's default locale: an English user on a Chinese machine asked for English.
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** True when the messages are the English ones (the base bundle): the language servers reply in. */
    boolean isEnglish() {
        String language = bundle.getLocale().getLanguage();
        return language.isEmpty() || language.equals(Locale.ENGLISH.getLanguage());
    }

    String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        if (args.length == 0) {
            return pattern.replace("''", "'");
        }
        Object[] texts = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            texts[i] = String.valueOf(args[i]);
        }
        return new MessageFormat(pattern, Locale.ROOT).format(texts);
    }

    /**
     * The locale to speak: the setting when given, else the first of the environment's {@code LC_ALL},
     * {@code LC_MESSAGES}, {@code LANG} that names a language (read here because the JVM ignores a locale that is
     * not installed; {@code C} and {@code POSIX} name none: {@code bin/ftp} sets {@code LC_ALL=C.UTF-8} only for the
     * file-name encoding), else English.
     */
    static Locale choose(String setting, Map<String, String> env) {
        if (setting != null && !setting.isBlank()) {
            return parse(setting);
        }
        for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank() && !value.equals("C") && !value.startsWith("C.")
                    && !value.equals("POSIX")) {
                return parse(value);
            }
        }
        return Locale.ENGLISH;
    }

    /** {@code zh_CN}, {@code zh-CN}, {@code zh_CN.UTF-8}, {@code en}. */
    static Locale parse(String text) {
        String tag = text.trim();
        int dot = tag.indexOf('.');
        if (dot >= 0) {
            tag = tag.substring(0, dot);
        }
        int at = tag.indexOf('@');
        if (at >= 0) {
            tag = tag.substring(0, at);
        }
        return Locale.forLanguageTag(tag.replace('_', '-'));
    }
}
