package ftp.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The facts MLST and MLSD show (RFC 3659 §7): every one the server knows until the client chooses with
 * {@code OPTS MLST fact;fact;} (§7.9), which keeps the known ones it names and drops the rest, none at all
 * included. Immutable; any thread.
 */
public final class MlstFacts {
    /** In the order they are sent. */
    public enum Fact { TYPE, SIZE, MODIFY, PERM }

    public static final MlstFacts ALL = new MlstFacts(EnumSet.allOf(Fact.class));

    private final Set<Fact> chosen;

    private MlstFacts(Set<Fact> chosen) {
        this.chosen = chosen;
    }

    /** {@code OPTS MLST}'s argument: {@code type;size;}, case-insensitive; unknown names are ignored. */
    public static MlstFacts parse(String list) {
        EnumSet<Fact> chosen = EnumSet.noneOf(Fact.class);
        for (String name : list.split(";")) {
            for (Fact f : Fact.values()) {
                if (f.name().equalsIgnoreCase(name.trim())) {
                    chosen.add(f);
                }
            }
        }
        return new MlstFacts(chosen);
    }

    public boolean has(Fact fact) {
        return chosen.contains(fact);
    }

    /** The chosen facts as {@code OPTS MLST} answers them: {@code type;size;}, empty when none. */
    public String chosen() {
        StringBuilder b = new StringBuilder();
        for (Fact f : chosen) {
            b.append(f.name().toLowerCase(Locale.ROOT)).append(';');
        }
        return b.toString();
    }

    /** The FEAT line's facts: every known one, the chosen ones marked {@code *}. */
    public String feature() {
        StringBuilder b = new StringBuilder();
        for (Fact f : Fact.values()) {
            b.append(f.name().toLowerCase(Locale.ROOT)).append(has(f) ? "*;" : ";");
        }
        return b.toString();
    }
}
