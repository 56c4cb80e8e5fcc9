/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/buf.h"
#include "basic/strv.h"
#include "plan/netconf.h"
#include "plan/planner.h"

/* -convert-netconf. The expected values come from coreos-cloudinit's own
 * tests (github.com/coreos/coreos-cloudinit at f1f0405, the network
 * package's _test.go files),
 * each case citing the Go test it ports. Go's tests mostly compare parsed
 * structures; here they are compared as the units those structures render
 * to through interface.go, whose rendering TestInterfaceGenerators pins. */

/* VMware's keys: key, value, ... */
#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })

/* All units of n, in the order they are written: "NAME\nCONTENT" joined by
 * "--\n". */
static char *units(const Netconf *n) {
        _cleanup_(buf_done) Buf b = {};

        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *base = NULL, *netdev = NULL, *network = NULL;
                assert_int_equal(netconf_filename(n->ifaces + i, &base), 0);
                assert_int_equal(netconf_netdev(n, i, &netdev), 0);
                assert_int_equal(netconf_network(n, i, &network), 0);
                if (netdev)
                        assert_true(buf_printf(&b, "%s.netdev\n%s--\n", base, netdev) >= 0);
                assert_true(buf_printf(&b, "%s.network\n%s--\n", base, network) >= 0);
        }
        return buf_steal(&b, NULL);
}

static void check_debian(const char *text, const char *expected) {
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL, *got = NULL;

        assert_int_equal(netconf_from_debian(text, strlen(text), &n, &err), 0);
        got = units(&n);
        assert_string_equal(got, expected);
}

static void check_debian_error(const char *text, const char *prefix) {
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL;

        assert_int_equal(netconf_from_debian(text, strlen(text), &n, &err), -EBADMSG);
        assert_non_null(err);
        if (!startswith(err, prefix))
                fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
}

static void check_vmware(char **keys, const char *expected) {
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL, *got = NULL;

        assert_int_equal(netconf_from_vmware(keys, &n, &err), 0);
        got = units(&n);
        assert_string_equal(got, expected);
}

static void check_vmware_error(char **keys, const char *expected) {
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL;

        assert_int_equal(netconf_from_vmware(keys, &n, &err), -EBADMSG);
        assert_string_equal(err, expected);
}

/* interface_test.go TestInterfaceGenerators: each renderer on hand-built
 * interfaces. */
static void test_interface_generators(void **state) {
        (void) state;
        char *addrs[] = { (char *) "192.168.1.100/24", NULL };
        char *dns[] = { (char *) "8.8.8.8", NULL };
        char *domains[] = { (char *) "coreos.com", (char *) "example.com", NULL };
        NetconfRoute route = { (char *) "0.0.0.0/0", (char *) "1.2.3.4" };
        size_t kids[] = { 1, 2, 3 };
        NetconfIface ifaces[] = {
                /* 0: physical, matched by MAC */
                { .kind = NETCONF_PHYSICAL, .hwaddr = (char *) "00:01:02:03:04:05" },
                /* 1-3: children of the interfaces below */
                { .kind = NETCONF_BOND, .name = (char *) "testbond1" },
                { .kind = NETCONF_VLAN, .name = (char *) "testvlan1", .vlan_id = 1 },
                { .kind = NETCONF_VLAN, .name = (char *) "testvlan2", .vlan_id = 1 },
                /* 4: physical with a bond and two VLANs on it */
                { .kind = NETCONF_PHYSICAL, .name = (char *) "testname", .children = kids, .n_children = 3 },
                /* 5: a bond with DHCP and the same children */
                { .kind = NETCONF_BOND, .name = (char *) "testname", .method = NETCONF_METHOD_DHCP,
                  .children = kids, .n_children = 3 },
                /* 6: a VLAN */
                { .kind = NETCONF_VLAN, .name = (char *) "testname", .vlan_id = 1 },
                /* 7: a static VLAN with hwaddress */
                { .kind = NETCONF_VLAN, .name = (char *) "testname", .vlan_id = 1, .method = NETCONF_METHOD_STATIC,
                  .method_hwaddr = (char *) "00:01:02:03:04:05" },
                /* 8: a DHCP VLAN with hwaddress */
                { .kind = NETCONF_VLAN, .name = (char *) "testname", .vlan_id = 1, .method = NETCONF_METHOD_DHCP,
                  .method_hwaddr = (char *) "00:01:02:03:04:05" },
                /* 9: a static VLAN with address, DNS, domains, route */
                { .kind = NETCONF_VLAN, .name = (char *) "testname", .vlan_id = 0, .method = NETCONF_METHOD_STATIC,
                  .addresses = addrs, .nameservers = dns, .domains = domains, .routes = &route, .n_routes = 1 },
        };
        static const struct {
                size_t i;
                const char *netdev, *network, *kind;
        } cases[] = {
                { 0, NULL, "[Match]\nMACAddress=00:01:02:03:04:05\n\n[Network]\n", "physical" },
                { 4, NULL, "[Match]\nName=testname\n\n[Network]\nBond=testbond1\nVLAN=testvlan1\nVLAN=testvlan2\n",
                  "physical" },
                { 5, "[NetDev]\nKind=bond\nName=testname\n\n[Bond]\n",
                  "[Match]\nName=testname\n\n[Network]\nBond=testbond1\nVLAN=testvlan1\nVLAN=testvlan2\nDHCP=true\n",
                  "bond" },
                { 6, "[NetDev]\nKind=vlan\nName=testname\n\n[VLAN]\nId=1\n", "[Match]\nName=testname\n\n[Network]\n",
                  "vlan" },
                { 7, "[NetDev]\nKind=vlan\nName=testname\nMACAddress=00:01:02:03:04:05\n\n[VLAN]\nId=1\n",
                  "[Match]\nName=testname\n\n[Network]\n", "vlan" },
                { 8, "[NetDev]\nKind=vlan\nName=testname\nMACAddress=00:01:02:03:04:05\n\n[VLAN]\nId=1\n",
                  "[Match]\nName=testname\n\n[Network]\nDHCP=true\n", "vlan" },
                { 9, "[NetDev]\nKind=vlan\nName=testname\n\n[VLAN]\nId=0\n",
                  "[Match]\nName=testname\n\n[Network]\nDomains=coreos.com example.com\nDNS=8.8.8.8\n\n[Address]\n"
                  "Address=192.168.1.100/24\n\n[Route]\nDestination=0.0.0.0/0\nGateway=1.2.3.4\n",
                  "vlan" },
        };
        Netconf n = { .ifaces = ifaces, .n = ELEMENTSOF(ifaces) };

        for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
                _cleanup_free_ char *netdev = NULL, *network = NULL;
                assert_int_equal(netconf_netdev(&n, cases[k].i, &netdev), 0);
                assert_int_equal(netconf_network(&n, cases[k].i, &network), 0);
                if (cases[k].netdev)
                        assert_string_equal(netdev, cases[k].netdev);
                else
                        assert_null(netdev);
                assert_string_equal(network, cases[k].network);
                assert_string_equal(netconf_kind_to_string(ifaces[cases[k].i].kind), cases[k].kind);
        }
}

/* interface_test.go TestModprobeParams */
static void test_modprobe_params(void **state) {
        (void) state;
        char *opts[] = { (char *) "a", (char *) "1", (char *) "b", (char *) "2", NULL };
        NetconfIface phys = { .kind = NETCONF_PHYSICAL }, vlan = { .kind = NETCONF_VLAN },
                     bond = { .kind = NETCONF_BOND, .bond_options = opts };
        _cleanup_free_ char *p1 = NULL, *p2 = NULL, *p3 = NULL;

        assert_int_equal(netconf_modprobe_params(&phys, &p1), 0);
        assert_string_equal(p1, "");
        assert_int_equal(netconf_modprobe_params(&vlan, &p2), 0);
        assert_string_equal(p2, "");
        assert_int_equal(netconf_modprobe_params(&bond, &p3), 0);
        assert_string_equal(p3, "a=1 b=2");
}

/* interface_test.go TestFilename */
static void test_filename(void **state) {
        (void) state;
        static const struct {
                const char *name, *hwaddr;
                unsigned depth;
                const char *expected;
        } cases[] = {
                { "iface", NULL, 0, "00-iface" },
                { "iface", NULL, 9, "09-iface" },
                { "iface", NULL, 10, "0a-iface" },
                { "iface", NULL, 53, "35-iface" },
                { NULL, "01:23:45:67:89:ab", 1, "01-01:23:45:67:89:ab" },
                { "iface", "01:23:45:67:89:ab", 1, "01-iface" },
        };

        for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
                NetconfIface i = { .name = (char *) cases[k].name, .hwaddr = (char *) cases[k].hwaddr,
                                   .depth = cases[k].depth };
                _cleanup_free_ char *f = NULL;
                assert_int_equal(netconf_filename(&i, &f), 0);
                assert_string_equal(f, cases[k].expected);
        }
}

/* interface_test.go TestBuildInterfacesLo, TestBuildInterfacesBlindBond,
 * TestBuildInterfacesBlindVLAN and TestBuildInterfaces, written as the
 * interfaces files that give those stanzas: order, depths and children. */
static void test_build_interfaces(void **state) {
        (void) state;

        check_debian("iface lo inet loopback\n", "");

        check_debian("iface bond0 inet manual\n bond-slaves eth0\n",
                     "00-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\n--\n"
                     "00-bond0.network\n[Match]\nName=bond0\n\n[Network]\n--\n"
                     "01-eth0.network\n[Match]\nName=eth0\n\n[Network]\nBond=bond0\n--\n");

        check_debian("iface vlan0 inet manual\n vlan_raw_device eth0\n",
                     "01-eth0.network\n[Match]\nName=eth0\n\n[Network]\nVLAN=vlan0\n--\n"
                     "00-vlan0.netdev\n[NetDev]\nKind=vlan\nName=vlan0\n\n[VLAN]\nId=0\n--\n"
                     "00-vlan0.network\n[Match]\nName=vlan0\n\n[Network]\n--\n");

        check_debian("iface eth0 inet manual\n"
                     "iface bond0 inet manual\n bond-slaves eth0\n bond-mode 4\n bond-miimon 100\n"
                     "iface bond1 inet manual\n bond-slaves bond0\n"
                     "iface vlan0 inet manual\n vlan_raw_device eth0\n"
                     "iface vlan1 inet manual\n vlan_raw_device bond0\n",
                     "01-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\nmiimon=100\nmode=4\n--\n"
                     "01-bond0.network\n[Match]\nName=bond0\n\n[Network]\nBond=bond1\nVLAN=vlan1\n--\n"
                     "00-bond1.netdev\n[NetDev]\nKind=bond\nName=bond1\n\n[Bond]\n--\n"
                     "00-bond1.network\n[Match]\nName=bond1\n\n[Network]\n--\n"
                     "02-eth0.network\n[Match]\nName=eth0\n\n[Network]\nBond=bond0\nVLAN=vlan0\n--\n"
                     "00-vlan0.netdev\n[NetDev]\nKind=vlan\nName=vlan0\n\n[VLAN]\nId=0\n--\n"
                     "00-vlan0.network\n[Match]\nName=vlan0\n\n[Network]\n--\n"
                     "00-vlan1.netdev\n[NetDev]\nKind=vlan\nName=vlan1\n\n[VLAN]\nId=1\n--\n"
                     "00-vlan1.network\n[Match]\nName=vlan1\n\n[Network]\n--\n");
}

/* debian_test.go TestFormatConfigs (continuations join lines; comments and
 * blanks go) and TestProcessDebianNetconf. */
static void test_debian_format_and_process(void **state) {
        (void) state;

        check_debian("", "");
        check_debian("#comment", "");
        check_debian("#comment\\\ncomment", "");
        check_debian_error("line1\\\nis long", "missing stanza start \"line1is long\"");
        check_debian_error("  #comment \\\n comment\nline 1\nline 2\\\n is long", "missing stanza start \"line 1\"");
        check_debian_error("iface", "malformed stanza start");
        check_debian("auto eth1\nauto eth2", "");
        check_debian("iface eth1 inet manual", "00-eth1.network\n[Match]\nName=eth1\n\n[Network]\n--\n");
        /* a continued option line */
        check_debian("iface eth1 inet dhcp\n hwaddress \\\nether 00:01:02:03:04:05\niface vlan1 inet dhcp\n"
                     " vlan_raw_device eth1\n hwaddress ether 00:01:02:03:04:06\n",
                     "01-eth1.network\n[Match]\nName=eth1\n\n[Network]\nVLAN=vlan1\nDHCP=true\n--\n"
                     "00-vlan1.netdev\n[NetDev]\nKind=vlan\nName=vlan1\nMACAddress=00:01:02:03:04:06\n\n[VLAN]\nId=1\n--\n"
                     "00-vlan1.network\n[Match]\nName=vlan1\n\n[Network]\nDHCP=true\n--\n");
}

/* stanza_test.go TestBadParseStanzas, TestBadParseInterfaceStanza,
 * TestBadParseVLANStanzas: the error each gives (Go's words). */
static void test_debian_errors(void **state) {
        (void) state;

        check_debian_error("allow-?? unknown", "unknown stanza");
        check_debian_error("mapping eth0", "unknown stanza");
        check_debian_error("iface eth", "incorrect number of attributes");
        check_debian_error("iface eth inet invalid", "invalid config method");
        check_debian_error("iface eth inet static\n address 192.168.1.100", "malformed static network config");
        check_debian_error("iface eth inet static\n netmask 255.255.255.0", "malformed static network config");
        check_debian_error("iface eth inet static\n address invalid\n netmask 255.255.255.0",
                           "malformed static network config");
        check_debian_error("iface eth inet static\n address 192.168.1.100\n netmask invalid",
                           "malformed static network config");
        check_debian_error("iface eth inet static\n address 192.168.1.100\n netmask 255.255.255.0\n"
                           " hwaddress ether NotAnAddress",
                           "malformed hwaddress option");
        check_debian_error("iface eth inet dhcp\n hwaddress ether NotAnAddress", "malformed hwaddress option");
        check_debian_error("iface myvlan inet manual\n vlan_raw_device eth0", "malformed vlan name");
        check_debian_error("iface eth.vlan inet manual", "malformed vlan name");
        /* where coreos-cloudinit wrote "<nil>" into the unit */
        check_debian_error("iface eth inet static\n address 192.168.1.100\n netmask 255.255.255.0\n gateway gw",
                           "invalid gateway \"gw\" for \"eth\"");
        check_debian_error("iface eth inet static\n address 192.168.1.100\n netmask 255.255.255.0\n"
                           " dns-nameservers 8.8.8.8 nope",
                           "invalid nameserver \"nope\"");
        check_debian_error("iface eth inet static\n address fe80::1\n netmask 255.255.255.0",
                           "address fe80::1 with netmask 255.255.255.0 of \"eth\"");
        /* Go recursed until its stack overflowed */
        check_debian_error("iface eth0 inet manual\n"
                           "iface bond0 inet manual\n bond-slaves eth0 bond1\n"
                           "iface bond1 inet manual\n bond-slaves bond0\n",
                           "interfaces stacked on eth0");
}

/* stanza_test.go TestParseInterfaceStanzaStaticAddress, ...StaticGateway,
 * ...StaticDNS, TestBadParseInterfaceStanzasStaticPostUp,
 * TestParseInterfaceStanzaStaticPostUp. */
static void test_debian_static(void **state) {
        (void) state;
#define STATIC_HEAD "iface eth inet static\n address 192.168.1.100\n netmask 255.255.255.0\n"
#define NET_HEAD "00-eth.network\n[Match]\nName=eth\n\n[Network]\n"
#define NET_ADDR "\n[Address]\nAddress=192.168.1.100/24\n"

        check_debian(STATIC_HEAD, NET_HEAD NET_ADDR "--\n");
        check_debian(STATIC_HEAD " gateway 192.168.1.1\n",
                     NET_HEAD NET_ADDR "\n[Route]\nDestination=0.0.0.0/0\nGateway=192.168.1.1\n--\n");
        check_debian(STATIC_HEAD " dns-nameservers 192.168.1.10 192.168.1.11 192.168.1.12\n",
                     NET_HEAD "DNS=192.168.1.10\nDNS=192.168.1.11\nDNS=192.168.1.12\n" NET_ADDR "--\n");

        static const char *const no_route[] = {
                "post-up invalid", "post-up route add", "post-up route add -net", "post-up route add gw",
                "post-up route add netmask", "gateway", "gateway 192.168.1.1 192.168.1.2",
        };
        for (size_t i = 0; i < ELEMENTSOF(no_route); i++) {
                _cleanup_free_ char *text = NULL;
                assert_true(asprintf(&text, STATIC_HEAD " %s\n", no_route[i]) > 0);
                check_debian(text, NET_HEAD NET_ADDR "--\n");
        }

        check_debian(STATIC_HEAD " post-up route add gw 192.168.1.1 -net 192.168.1.0 netmask 255.255.255.0\n",
                     NET_HEAD NET_ADDR "\n[Route]\nDestination=192.168.1.0/24\nGateway=192.168.1.1\n--\n");
        check_debian(STATIC_HEAD " post-up route add gw 192.168.1.1 -net 192.168.1.0/24 || true\n",
                     NET_HEAD NET_ADDR "\n[Route]\nDestination=192.168.1.0/24\nGateway=192.168.1.1\n--\n");
        /* the gateway's route first, then post-up's; pre-down and other options are ignored */
        check_debian(STATIC_HEAD " gateway 192.168.1.1\n post-up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.1.2\n"
                     " pre-down route del -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.1.2\n up true\n",
                     NET_HEAD NET_ADDR "\n[Route]\nDestination=0.0.0.0/0\nGateway=192.168.1.1\n"
                     "\n[Route]\nDestination=10.0.0.0/8\nGateway=192.168.1.2\n--\n");
#undef STATIC_HEAD
#undef NET_HEAD
#undef NET_ADDR
}

/* stanza_test.go TestParseVLANStanzas, TestParseInterfaceStanzaVLANName,
 * ...VLANOption, ...Bond, ...Hwaddress, TestParseInterfaceStanzaOptions (a
 * later option line replaces an earlier one), TestParseStanzas (loopback
 * left out, auto changes nothing written). */
static void test_debian_kinds(void **state) {
        (void) state;

        check_debian("iface vlan25 inet manual\n vlan_raw_device eth\n",
                     "01-eth.network\n[Match]\nName=eth\n\n[Network]\nVLAN=vlan25\n--\n"
                     "00-vlan25.netdev\n[NetDev]\nKind=vlan\nName=vlan25\n\n[VLAN]\nId=25\n--\n"
                     "00-vlan25.network\n[Match]\nName=vlan25\n\n[Network]\n--\n");
        /* a dotted name is a VLAN, but only vlan_raw_device names its parent */
        check_debian("iface eth.25 inet manual\n",
                     "00-eth.25.netdev\n[NetDev]\nKind=vlan\nName=eth.25\n\n[VLAN]\nId=25\n--\n"
                     "00-eth.25.network\n[Match]\nName=eth.25\n\n[Network]\n--\n");
        check_debian("iface mybond inet manual\n bond-slaves eth\n",
                     "01-eth.network\n[Match]\nName=eth\n\n[Network]\nBond=mybond\n--\n"
                     "00-mybond.netdev\n[NetDev]\nKind=bond\nName=mybond\n\n[Bond]\n--\n"
                     "00-mybond.network\n[Match]\nName=mybond\n\n[Network]\n--\n");
        /* bond options: the first value of bond-mode, bond-miimon, bond-lacp-rate; a later line wins */
        check_debian("iface bond0 inet dhcp\n bond-slaves eth0 eth1\n bond-mode 1\n bond-mode 802.3ad x\n"
                     " bond-lacp-rate fast\n bond-xmit-hash-policy layer3+4\n",
                     "00-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\nlacp-rate=fast\nmode=802.3ad\n--\n"
                     "00-bond0.network\n[Match]\nName=bond0\n\n[Network]\nDHCP=true\n--\n"
                     "01-eth0.network\n[Match]\nName=eth0\n\n[Network]\nBond=bond0\n--\n"
                     "01-eth1.network\n[Match]\nName=eth1\n\n[Network]\nBond=bond0\n--\n");
        check_debian("auto lo\niface lo inet loopback\niface eth1 inet manual\niface eth2 inet manual\n"
                     "iface eth3 inet manual\nauto eth1 eth3\n",
                     "00-eth1.network\n[Match]\nName=eth1\n\n[Network]\n--\n"
                     "00-eth2.network\n[Match]\nName=eth2\n\n[Network]\n--\n"
                     "00-eth3.network\n[Match]\nName=eth3\n\n[Network]\n--\n");
        /* a later stanza of the same name replaces the earlier one */
        check_debian("iface eth0 inet manual\niface eth0 inet dhcp\n",
                     "00-eth0.network\n[Match]\nName=eth0\n\n[Network]\nDHCP=true\n--\n");
}

/* A config drive's interfaces file as Rackspace OnMetal wrote it (bonded,
 * VLAN on the bond, static with DNS and a post-up route). */
static void test_debian_onmetal(void **state) {
        (void) state;

        check_debian("auto lo\niface lo inet loopback\n\n"
                     "auto eth0\niface eth0 inet manual\n  bond-master bond0\n\n"
                     "auto eth1\niface eth1 inet manual\n  bond-master bond0\n\n"
                     "auto bond0\niface bond0 inet manual\n  bond-slaves eth0 eth1\n  bond-mode 802.3ad\n"
                     "  bond-miimon 100\n  bond-lacp-rate 1\n  hwaddress ether a0:36:9f:2c:e8:70\n\n"
                     "auto bond0.101\niface bond0.101 inet static\n  vlan-raw-device bond0\n"
                     "  vlan_raw_device bond0\n  address 10.184.10.10\n  netmask 255.255.255.0\n"
                     "  gateway 10.184.10.1\n  dns-nameservers 69.20.0.164 69.20.0.196\n"
                     "  post-up route add -net 10.176.0.0 netmask 255.240.0.0 gw 10.184.10.1 || true\n",
                     "01-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\nlacp-rate=1\nmiimon=100\n"
                     "mode=802.3ad\n--\n"
                     "01-bond0.network\n[Match]\nName=bond0\n\n[Network]\nVLAN=bond0.101\n--\n"
                     "00-bond0.101.netdev\n[NetDev]\nKind=vlan\nName=bond0.101\n\n[VLAN]\nId=101\n--\n"
                     "00-bond0.101.network\n[Match]\nName=bond0.101\n\n[Network]\nDNS=69.20.0.164\nDNS=69.20.0.196\n"
                     "\n[Address]\nAddress=10.184.10.10/24\n\n[Route]\nDestination=0.0.0.0/0\nGateway=10.184.10.1\n"
                     "\n[Route]\nDestination=10.176.0.0/12\nGateway=10.184.10.1\n--\n"
                     "02-eth0.network\n[Match]\nName=eth0\n\n[Network]\nBond=bond0\n--\n"
                     "02-eth1.network\n[Match]\nName=eth1\n\n[Network]\nBond=bond0\n--\n");
}

/* vmware_test.go TestProcessVMwareNetconf */
static void test_vmware(void **state) {
        (void) state;

        check_vmware(NULL, "");
        check_vmware(STRV_MAKE("interface.0.dhcp", "yes"), "00-.network\n[Match]\n\n[Network]\nDHCP=true\n--\n");
        check_vmware(STRV_MAKE("interface.0.mac", "00:11:22:33:44:55", "interface.0.dhcp", "yes"),
                     "00-00:11:22:33:44:55.network\n[Match]\nMACAddress=00:11:22:33:44:55\n\n[Network]\nDHCP=true\n--\n");
        check_vmware(STRV_MAKE("interface.0.name", "eth0", "interface.0.dhcp", "yes"),
                     "00-eth0.network\n[Match]\nName=eth0\n\n[Network]\nDHCP=true\n--\n");
        check_vmware(STRV_MAKE("interface.0.mac", "00:11:22:33:44:55", "interface.0.ip.0.address", "10.0.0.100/24",
                               "interface.0.route.0.gateway", "10.0.0.1", "interface.0.route.0.destination", "0.0.0.0/0"),
                     "00-00:11:22:33:44:55.network\n[Match]\nMACAddress=00:11:22:33:44:55\n\n[Network]\n"
                     "\n[Address]\nAddress=10.0.0.100/24\n\n[Route]\nDestination=0.0.0.0/0\nGateway=10.0.0.1\n--\n");
        check_vmware(STRV_MAKE("dns.server.0", "1.2.3.4", "dns.server.1", "5.6.7.8",
                               "dns.domain.0", "coreos.com", "dns.domain.1", "example.com",
                               "interface.0.mac", "00:11:22:33:44:55",
                               "interface.0.ip.0.address", "10.0.0.100/24", "interface.0.ip.1.address", "10.0.0.101/24",
                               "interface.0.route.0.gateway", "10.0.0.1", "interface.0.route.0.destination", "0.0.0.0/0",
                               "interface.1.name", "eth0", "interface.1.ip.0.address", "10.0.1.100/24",
                               "interface.1.route.0.gateway", "10.0.1.1", "interface.1.route.0.destination", "0.0.0.0/0",
                               "interface.2.dhcp", "yes", "interface.2.mac", "00:11:22:33:44:77"),
                     "00-00:11:22:33:44:55.network\n[Match]\nMACAddress=00:11:22:33:44:55\n\n[Network]\n"
                     "Domains=coreos.com example.com\nDNS=1.2.3.4\nDNS=5.6.7.8\n"
                     "\n[Address]\nAddress=10.0.0.100/24\n\n[Address]\nAddress=10.0.0.101/24\n"
                     "\n[Route]\nDestination=0.0.0.0/0\nGateway=10.0.0.1\n--\n"
                     "00-eth0.network\n[Match]\nName=eth0\n\n[Network]\n"
                     "Domains=coreos.com example.com\nDNS=1.2.3.4\nDNS=5.6.7.8\n"
                     "\n[Address]\nAddress=10.0.1.100/24\n\n[Route]\nDestination=0.0.0.0/0\nGateway=10.0.1.1\n--\n"
                     "00-00:11:22:33:44:77.network\n[Match]\nMACAddress=00:11:22:33:44:77\n\n[Network]\nDHCP=true\n--\n");
        check_vmware_error(STRV_MAKE("dns.server.0", "test dns"), "dns.server.0: invalid nameserver: \"test dns\"");
        /* interfaces end at the first without addresses, routes or DHCP */
        check_vmware(STRV_MAKE("interface.0.name", "eth0", "interface.1.name", "eth1", "interface.1.dhcp", "yes"), "");
}

/* vmware_test.go TestProcessAddressConfig, TestProcessRouteConfig,
 * TestProcessDHCPConfig */
static void test_vmware_fields(void **state) {
        (void) state;

        check_vmware(STRV_MAKE("interface.0.name", "e", "interface.0.ip.0.address", "fe00::100/64",
                               "interface.0.ip.1.address", "fe00::101/64", "interface.0.ip.2.address", "fe00::102/64"),
                     "00-e.network\n[Match]\nName=e\n\n[Network]\n\n[Address]\nAddress=fe00::100/64\n"
                     "\n[Address]\nAddress=fe00::101/64\n\n[Address]\nAddress=fe00::102/64\n--\n");
        check_vmware_error(STRV_MAKE("interface.0.ip.0.address", "test address"),
                           "interface.0.ip.0.address: invalid address: \"test address\"");
        check_vmware(STRV_MAKE("interface.0.name", "e", "interface.0.route.0.gateway", "fe00::1",
                               "interface.0.route.0.destination", "::/0"),
                     "00-e.network\n[Match]\nName=e\n\n[Network]\n\n[Route]\nDestination=::/0\nGateway=fe00::1\n--\n");
        /* the destination is the network, the address keeps its host bits */
        check_vmware(STRV_MAKE("interface.0.name", "e", "interface.0.ip.0.address", "192.168.7.9/16",
                               "interface.0.route.0.gateway", "10.0.0.1",
                               "interface.0.route.0.destination", "172.16.5.4/12"),
                     "00-e.network\n[Match]\nName=e\n\n[Network]\n\n[Address]\nAddress=192.168.7.9/16\n"
                     "\n[Route]\nDestination=172.16.0.0/12\nGateway=10.0.0.1\n--\n");
        check_vmware_error(STRV_MAKE("interface.0.route.0.gateway", "test gateway",
                                     "interface.0.route.0.destination", "0.0.0.0/0"),
                           "interface.0.route.0.gateway: invalid gateway: \"test gateway\"");
        check_vmware_error(STRV_MAKE("interface.0.route.0.gateway", "10.0.0.1",
                                     "interface.0.route.0.destination", "test destination"),
                           "interface.0.route.0.destination: invalid CIDR address: test destination");
        check_vmware_error(STRV_MAKE("interface.0.route.0.gateway", "10.0.0.1"),
                           "interface.0.route.0: missing destination key");
        check_vmware_error(STRV_MAKE("interface.0.route.0.destination", "0.0.0.0/0"),
                           "interface.0.route.0: missing gateway key");
        check_vmware_error(STRV_MAKE("interface.0.dhcp", "blah"), "interface.0.dhcp: invalid DHCP option: \"blah\"");
        check_vmware(STRV_MAKE("interface.0.name", "e", "interface.0.dhcp", "no"), "");
        check_vmware_error(STRV_MAKE("interface.0.dhcp", "yes", "interface.0.mac", "zz"),
                           "interface.0.mac: error while parsing MAC address: address zz: invalid MAC address");
}

/* packet.go ProcessPacketNetconf (it has no Go test): every NIC a slave of
 * bond0 with its index as depth, bond0 with the addresses and a route each,
 * Google's DNS without "dns". */
static void test_packet(void **state) {
        (void) state;
        static const char json[] =
                "{\"interfaces\": [{\"name\": \"enp1s0f0\", \"mac\": \"0c:c4:7a:b5:86:ea\"},"
                "                  {\"name\": \"enp1s0f1\", \"mac\": \"0c:c4:7a:b5:86:eb\"}],"
                " \"addresses\": ["
                "  {\"address\": \"147.75.195.231\", \"netmask\": \"255.255.255.254\", \"gateway\": \"147.75.195.230\","
                "   \"address_family\": 4, \"public\": true, \"cidr\": 31},"
                "  {\"address\": \"2604:1380:2:4e00::1\", \"netmask\": \"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe\","
                "   \"gateway\": \"2604:1380:2:4e00::\", \"address_family\": 6, \"public\": true, \"cidr\": 127},"
                "  {\"address\": \"10.88.56.129\", \"netmask\": \"255.255.255.254\", \"gateway\": \"10.88.56.128\","
                "   \"address_family\": 4, \"public\": false, \"cidr\": 31}]}";
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL, *got = NULL, *params = NULL;

        assert_int_equal(netconf_from_packet(json, &n, &err), 0);
        got = units(&n);
        assert_string_equal(got,
                "00-enp1s0f0.network\n[Match]\nName=enp1s0f0\n\n[Network]\nBond=bond0\nDNS=8.8.8.8\nDNS=8.8.4.4\n--\n"
                "01-enp1s0f1.network\n[Match]\nName=enp1s0f1\n\n[Network]\nBond=bond0\nDNS=8.8.8.8\nDNS=8.8.4.4\n--\n"
                "00-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\nMACAddress=0c:c4:7a:b5:86:ea\n\n[Bond]\n"
                "DownDelaySec=.2\nLACPTransmitRate=fast\nMIIMonitorSec=.2\nMode=802.3ad\nUpDelaySec=.2\n--\n"
                "00-bond0.network\n[Match]\nName=bond0\nMACAddress=0c:c4:7a:b5:86:ea\n\n[Network]\n"
                "DNS=8.8.8.8\nDNS=8.8.4.4\n"
                "\n[Address]\nAddress=147.75.195.231/31\n\n[Address]\nAddress=2604:1380:2:4e00::1/127\n"
                "\n[Address]\nAddress=10.88.56.129/31\n"
                "\n[Route]\nDestination=0.0.0.0/0\nGateway=147.75.195.230\n"
                "\n[Route]\nDestination=::/0\nGateway=2604:1380:2:4e00::\n"
                "\n[Route]\nDestination=10.0.0.0/8\nGateway=10.88.56.128\n--\n");
        assert_int_equal(netconf_modprobe_params(n.ifaces + 2, &params), 0);
        assert_string_equal(params, "DownDelaySec=.2 LACPTransmitRate=fast MIIMonitorSec=.2 Mode=802.3ad UpDelaySec=.2");
}

static void test_packet_errors(void **state) {
        (void) state;
        static const struct {
                const char *json, *error;
        } cases[] = {
                { "[]", "network: not a JSON object" },
                /* coreos-cloudinit indexed interfaces[0] and panicked */
                { "{\"addresses\": []}", "network.interfaces: no interface to bond" },
                { "{\"interfaces\": [{\"mac\": \"0c:c4:7a:b5:86:ea\"}]}", "network.interfaces[0].name: missing" },
                { "{\"interfaces\": [{\"name\": \"e\"}], \"addresses\": [{\"address\": \"1.2.3.4\"}]}",
                  "network.addresses[0].netmask: not an IP address" },
                { "{\"interfaces\": [{\"name\": \"e\"}], \"dns\": [\"x\"]}", "network.dns[0]: not an IP address" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(netconf_done) Netconf n = {};
                _cleanup_free_ char *err = NULL;
                assert_int_equal(netconf_from_packet(cases[i].json, &n, &err), -EBADMSG);
                assert_string_equal(err, cases[i].error);
        }

        /* "dns": [] is no nameserver at all, not Google's */
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *err = NULL, *got = NULL;
        assert_int_equal(netconf_from_packet("{\"interfaces\": [{\"name\": \"e\", \"mac\": \"bad\"}], \"dns\": []}",
                                             &n, &err), 0);
        got = units(&n);
        assert_string_equal(got, "00-e.network\n[Match]\nName=e\n\n[Network]\nBond=bond0\n--\n"
                                 "00-bond0.netdev\n[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\n"
                                 "DownDelaySec=.2\nLACPTransmitRate=fast\nMIIMonitorSec=.2\nMode=802.3ad\nUpDelaySec=.2\n--\n"
                                 "00-bond0.network\n[Match]\nName=bond0\n\n[Network]\n--\n");
}

/* Go's net package formatting, which the units carry. */
static void test_go_formatting(void **state) {
        (void) state;
        static const struct {
                const char *in, *out;
        } ips[] = {
                { "10.0.0.1", "10.0.0.1" }, { "::ffff:10.0.0.1", "10.0.0.1" }, { "fe80::1", "fe80::1" },
                { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" }, { "2001:0db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
                { "::", "::" }, { "::1.2.3.4", "::102:304" }, { "1:0:0:0:0:0:0:0", "1::" },
        };
        for (size_t i = 0; i < ELEMENTSOF(ips); i++) {
                uint8_t ip[16];
                bool v4;
                _cleanup_free_ char *s = NULL;
                assert_int_equal(netconf_parse_ip(ips[i].in, ip, &v4), 0);
                assert_int_equal(netconf_ip_string(ip, v4, &s), 0);
                assert_string_equal(s, ips[i].out);
        }

        static const struct {
                const char *in, *out;
        } macs[] = {
                { "00:11:22:33:44:55", "00:11:22:33:44:55" }, { "00-11-22-AA-BB-CC", "00:11:22:aa:bb:cc" },
                { "0011.22aa.bbcc", "00:11:22:aa:bb:cc" }, { "00:11:22:33:44:55:66:77", "00:11:22:33:44:55:66:77" },
        };
        for (size_t i = 0; i < ELEMENTSOF(macs); i++) {
                _cleanup_free_ char *s = NULL;
                assert_int_equal(netconf_parse_mac(macs[i].in, &s), 0);
                assert_string_equal(s, macs[i].out);
        }
        static const char *const bad_macs[] = { "zz", "00:11:22:33:44", "00:11-22:33:44:55", "00:11:22:33:44:5g", "" };
        for (size_t i = 0; i < ELEMENTSOF(bad_macs); i++) {
                _cleanup_free_ char *s = NULL;
                assert_int_equal(netconf_parse_mac(bad_macs[i], &s), -EINVAL);
        }

        _cleanup_free_ char *net = NULL;
        assert_int_equal(netconf_parse_cidr("2001:db8::ff/56", NULL, NULL, NULL, &net), 0);
        assert_string_equal(net, "2001:db8::/56");
        assert_int_equal(netconf_parse_cidr("10.0.0.1/33", NULL, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(netconf_parse_cidr("10.0.0.1", NULL, NULL, NULL, NULL), -EINVAL);
}

/* The planner: runtime units in /run/systemd/network after the others, a
 * modprobe.d file for the bond's options, and a plan issue (not a crash)
 * for a description that is missing or cannot be converted. */
static void test_plan(void **state) {
        (void) state;
        static const char interfaces[] = "iface bond0 inet dhcp\n bond-slaves eth0\n bond-mode 4\n";
        PlanInput in = {
                .netconf = "debian",
                .network_config = interfaces,
                .network_config_size = sizeof interfaces - 1,
        };
        _cleanup_(plan_done) Plan p = {};

        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_issues, 0);
        assert_int_equal(p.n_units, 3);
        assert_string_equal(p.units[0].name, "00-bond0.netdev");
        assert_string_equal(p.units[0].path, "/run/systemd/network/00-bond0.netdev");
        assert_string_equal(p.units[1].name, "00-bond0.network");
        assert_string_equal(p.units[2].name, "01-eth0.network");
        for (size_t i = 0; i < p.n_units; i++) {
                assert_true(p.units[i].network && p.units[i].runtime && p.units[i].changed);
                assert_false(p.units[i].enable);
                assert_int_equal(p.units[i].command, _UNIT_COMMAND_INVALID);
                assert_string_equal(p.units[i].origin, "-convert-netconf=debian");
        }
        const PlanFile *f = plan_find_file(&p, "/run/systemd/network/00-bond0.network");
        assert_non_null(f);
        assert_string_equal(f->content, "[Match]\nName=bond0\n\n[Network]\nDHCP=true\n");
        assert_int_equal(f->mode, 0644);
        f = plan_find_file(&p, "/run/modprobe.d/nodeinit-bonding.conf");
        assert_non_null(f);
        assert_string_equal(f->content, "# bond options of bond0, -convert-netconf=debian\noptions bonding mode=4\n");

        /* coreos-cloudinit panicked on a config drive without network_config */
        plan_done(&p);
        in.network_config = NULL;
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_units, 0);
        assert_int_equal(plan_count_errors(&p), 1);
        assert_string_equal(p.issues[0].origin, "-convert-netconf=debian");
        assert_non_null(strstr(p.issues[0].message, "network_config.content_path"));

        plan_done(&p);
        in.netconf = "vmware";
        in.network_keys = STRV_MAKE("interface.0.name", "eth0", "interface.0.dhcp", "maybe");
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_units, 0);
        assert_int_equal(plan_count_errors(&p), 1);
        assert_string_equal(p.issues[0].message, "interface.0.dhcp: invalid DHCP option: \"maybe\"; network not configured");

        /* a source of another kind has no keys at all: said, not silently nothing */
        plan_done(&p);
        in.network_keys = NULL;
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(plan_count_errors(&p), 1);
        assert_string_equal(p.issues[0].message,
                            "the datasource has no VMware guestinfo interface keys; network not configured");

        /* the VMware source without interface keys: no interface, no unit, no issue */
        plan_done(&p);
        in.network_keys = STRV_MAKE(NULL);
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_issues, 0);
        assert_int_equal(p.n_units, 0);

        plan_done(&p);
        in.network_keys = STRV_MAKE("interface.0.name", "eth0", "interface.0.dhcp", "yes");
        in.user_units = true;
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_units, 0);
        assert_int_equal(plan_count_errors(&p), 1);
}

/* What is on the node already: one network unit, as a previous run wrote it. */
static int same_stat(void *userdata, const char *path, bool want_content, PlanNode *ret) {
        static const char unit[] = "[Match]\nName=eth0\n\n[Network]\nDHCP=true\n";

        *ret = (PlanNode) { .kind = PLAN_NODE_ABSENT };
        if (!streq(path, "/run/systemd/network/00-eth0.network"))
                return 0;
        *ret = (PlanNode) { .kind = PLAN_NODE_REGULAR, .mode = 0644, .size = strlen(unit) };
        if (want_content)
                ret->content = strdup(unit);
        return want_content && !ret->content ? -ENOMEM : 0;
}

/* networkd is restarted only when a unit changes: a unit already there with
 * the same bytes is not "changed". */
static void test_plan_unchanged(void **state) {
        (void) state;
        PlanReader reader = { .stat = same_stat };
        PlanInput in = {
                .netconf = "vmware",
                .network_keys = STRV_MAKE("interface.0.name", "eth0", "interface.0.dhcp", "yes"),
                .reader = &reader,
        };
        _cleanup_(plan_done) Plan p = {};

        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_units, 1);
        assert_true(p.units[0].network);
        assert_false(p.units[0].changed);

        plan_done(&p);
        in.network_keys = STRV_MAKE("interface.0.name", "eth0", "interface.0.ip.0.address", "10.1.2.3/8");
        assert_int_equal(plan_build(&in, &p), 0);
        assert_int_equal(p.n_units, 1);
        assert_true(p.units[0].changed);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_interface_generators),
                cmocka_unit_test(test_modprobe_params),
                cmocka_unit_test(test_filename),
                cmocka_unit_test(test_build_interfaces),
                cmocka_unit_test(test_debian_format_and_process),
                cmocka_unit_test(test_debian_errors),
                cmocka_unit_test(test_debian_static),
                cmocka_unit_test(test_debian_kinds),
                cmocka_unit_test(test_debian_onmetal),
                cmocka_unit_test(test_vmware),
                cmocka_unit_test(test_vmware_fields),
                cmocka_unit_test(test_packet),
                cmocka_unit_test(test_packet_errors),
                cmocka_unit_test(test_go_formatting),
                cmocka_unit_test(test_plan),
                cmocka_unit_test(test_plan_unchanged),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
