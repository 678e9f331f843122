import Testing
import TapedeckVocabulary

@Suite struct NetworkAddressTests {
    @Test(arguments: ["0.0.0.0", "10.0.0.5", "127.0.0.1", "192.168.7.20", "255.255.255.255", "1.22.133.4"])
    func ipv4Accepted(_ s: String) { #expect(NetworkAddress.isIPv4(s)) }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1..2.3",
                      "1.2.3.", ".1.2.3", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1.2.3.-4", "+1.2.3.4", "1234.1.1.1",
                      "١.٢.٣.٤", "::1"])
    func ipv4Refused(_ s: String) { #expect(!NetworkAddress.isIPv4(s)) }

    @Test(arguments: ["::", "::1", "1::", "fe80::1", "FE80::1", "2001:db8::8:800:200c:417a", "2001:0db8:0000:0000:0000:ff00:0042:8329",
                      "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:192.0.2.1", "1:2:3:4:5:6:1.2.3.4",
                      "64:ff9b::10.0.0.1"])
    func ipv6Accepted(_ s: String) { #expect(NetworkAddress.isIPv6(s)) }

    @Test(arguments: ["", ":", ":::", "::::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2:3:4:5:6:7:8",
                      ":1::2", "1::2:", "12345::1", "gggg::1", "[::1]", "fe80::1%eth0", "::1.2.3", "::256.1.1.1",
                      "::01.2.3.4", "1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "10.0.0.5", " ::1", "::1 "])
    func ipv6Refused(_ s: String) { #expect(!NetworkAddress.isIPv6(s)) }

    @Test(arguments: ["localhost", "web-1.example.com", "a", "a.b", "xn--bcher-kva.example", "1a.example",
                      String(repeating: "a", count: 63) + ".com"])
    func hostnamesAccepted(_ s: String) { #expect(NetworkAddress.isHostname(s)) }

    @Test(arguments: ["", "-a.com", "a-.com", "a..b", "a_b.com", ".a", "a.", "1.2.3.4", "123", "a b",
                      String(repeating: "a", count: 64) + ".com", String(repeating: "a.", count: 127) + "a", "é.com"])
    func hostnamesRefused(_ s: String) { #expect(!NetworkAddress.isHostname(s)) }
}
