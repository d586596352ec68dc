import HTTPFramework
import HTTPServer
import Testing

/// Addresses, ranges, and which client address a request is logged with.
struct TrustedProxiesTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("::1", "::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("0.0.0.0", "0.0.0.0"),
    ])
    func parsesAndPrintsAddresses(text: String, printed: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == printed)
    }

    @Test(arguments: ["", "1.2.3", "256.1.1.1", "1.2.3.4:80", "[::1]", "fe80::1%eth0", "localhost", " 1.2.3.4"])
    func rejectsWhatIsNotAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func anIPv4AddressEqualsItsMappedIPv6Form() {
        #expect(IPAddress("10.1.2.3") == IPAddress("::ffff:10.1.2.3"))
        #expect(IPAddress("10.1.2.3")?.isIPv4 == true)
        #expect(IPAddress("2001:db8::1")?.isIPv4 == false)
    }

    @Test func rangesContainExactlyTheirAddresses() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(IPAddress("10.255.0.1")!))
        #expect(!ten.contains(IPAddress("11.0.0.0")!))
        #expect(ten.contains(IPAddress("::ffff:10.0.0.9")!), "a dual-stack listener reports IPv4 peers mapped")
        #expect(!ten.contains(IPAddress("::a00:1")!), "an IPv4-compatible IPv6 address is not IPv4")
        let host = try #require(IPNetwork("192.168.1.5"))
        #expect(host.contains(IPAddress("192.168.1.5")!))
        #expect(!host.contains(IPAddress("192.168.1.6")!))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains(IPAddress("fd12:3456::1")!))
        #expect(!v6.contains(IPAddress("fe80::1")!))
        let prefix70 = try #require(IPNetwork("2001:db8:0:0:fc00::/70"))
        #expect(prefix70.contains(IPAddress("2001:db8::fc00:0:0:1")!))
        #expect(prefix70.contains(IPAddress("2001:db8::ffff:1:2:3")!))
        #expect(!prefix70.contains(IPAddress("2001:db8::f800:0:0:1")!))
        let everything = try #require(IPNetwork("0.0.0.0/0"))
        #expect(everything.contains(IPAddress("203.0.113.1")!))
        #expect(!everything.contains(IPAddress("2001:db8::1")!), "0.0.0.0/0 is every IPv4 address, not IPv6")
        #expect(IPNetwork("::/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test(arguments: [
        "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "proxy.local", "10.0.0.0/ 8",
    ])
    func rejectsMalformedRanges(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func parsesAListAndNamesTheBadEntry() throws {
        let proxies = try TrustedProxies.parse(" 127.0.0.1, 10.0.0.0/8 ,::1,")
        #expect(proxies.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])
        #expect(try TrustedProxies.parse("").isEmpty)
        #expect(throws: TrustedProxies.ParseError(entry: "nginx")) { try TrustedProxies.parse("127.0.0.1, nginx") }
    }

    // MARK: - The logged client address

    let proxies = try! TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")

    func client(peer: String, _ headers: [(String, String)]) -> String? {
        proxies.clientAddress(peer: IPAddress(peer), headers: HTTPHeaders(headers))?.description
    }

    @Test func anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        #expect(client(peer: "198.51.100.7", [("X-Forwarded-For", "203.0.113.9")]) == "198.51.100.7")
        #expect(client(peer: "198.51.100.7", [("Forwarded", "for=203.0.113.9")]) == "198.51.100.7")
        let none = TrustedProxies()
        #expect(
            none.clientAddress(
                peer: IPAddress("127.0.0.1"), headers: HTTPHeaders([("X-Forwarded-For", "203.0.113.9")]))?.description
                == "127.0.0.1")
    }

    @Test func aTrustedProxyNamesTheClient() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9")]) == "203.0.113.9")
        #expect(client(peer: "127.0.0.1", []) == "127.0.0.1", "no header: the proxy itself")
    }

    /// A client may send its own X-Forwarded-For; the proxy appends the real
    /// address. Reading from the right, the first hop not reported by a trusted
    /// proxy is the client; the forged part to its left is ignored.
    @Test func aForgedHopLeftOfTheRealClientIsIgnored() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "1.1.1.1, 203.0.113.9")]) == "203.0.113.9")
        #expect(
            client(peer: "127.0.0.1", [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "203.0.113.9")])
                == "203.0.113.9")
    }

    @Test func trustedHopsAreWalkedThrough() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9, 10.1.1.1, 10.2.2.2")]) == "203.0.113.9")
        #expect(client(peer: "10.0.0.1", [("X-Forwarded-For", "10.1.1.1")]) == "10.1.1.1", "all trusted: the leftmost")
    }

    @Test func aHopThatIsNotAnAddressStopsTheWalk() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9, unknown")]) == "127.0.0.1")
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9, garbage, 10.1.1.1")]) == "10.1.1.1")
    }

    @Test func portsAndBracketsAreRemoved() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9:4711")]) == "203.0.113.9")
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "[2001:db8::17]:4711")]) == "2001:db8::17")
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "2001:db8::17")]) == "2001:db8::17")
    }

    @Test func forwardedIsReadWhenXForwardedForIsAbsent() {
        #expect(
            client(peer: "127.0.0.1", [("Forwarded", #"for=192.0.2.60;proto=http;by=203.0.113.43"#)]) == "192.0.2.60")
        #expect(
            client(peer: "127.0.0.1", [("Forwarded", #"for=1.1.1.1, For="[2001:db8:cafe::17]:4711""#)])
                == "2001:db8:cafe::17")
        #expect(client(peer: "127.0.0.1", [("Forwarded", "for=_hidden")]) == "127.0.0.1")
        // nginx sets X-Forwarded-For and passes a client's Forwarded through untouched: X-Forwarded-For wins.
        #expect(
            client(peer: "127.0.0.1", [("Forwarded", "for=1.1.1.1"), ("X-Forwarded-For", "203.0.113.9")])
                == "203.0.113.9")
    }
}
