package ftp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code start} and {@code status} write an IPv6 listening address (RFC 5952). No socket. */
class Ipv6ShortFormTest {
    @Test
    void theLongestRunOfZeroGroupsBecomesADoubleColon() {
        assertThat(Lifecycle.shortForm("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Lifecycle.shortForm("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(Lifecycle.shortForm("fd00:0:0:0:0:0:0:2")).isEqualTo("fd00::2");
        assertThat(Lifecycle.shortForm("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Lifecycle.shortForm("fe80:0:0:0:fc:ff:fe00:1%eth0")).isEqualTo("fe80::fc:ff:fe00:1");
    }

    @Test
    void aSingleZeroGroupStays() {
        assertThat(Lifecycle.shortForm("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    }
}
