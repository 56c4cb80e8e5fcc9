/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <termios.h>

#include <json.h>

#include "basic/base64.h"
#include "basic/buf.h"
#include "basic/json-util.h"
#include "basic/log.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "source/source-internal.h"

/* CloudSigma's server context, as coreos-cloudinit read it through cepgo: a
 * request "<\n<key>\n>" on the second serial port (115200 8N1, raw), the
 * answer a JSON document ended by EOT (0x04). One request for the whole
 * context (key ""): meta is a part of it. */

#define CLOUDSIGMA_EOT '\x04'

int cloudsigma_reply_complete(const char *buf, size_t n, size_t *ret_len) {
        const char *eot = memchr(buf, CLOUDSIGMA_EOT, n);

        if (!eot)
                return -EAGAIN;
        *ret_len = (size_t) (eot - buf);
        return 0;
}

static json_object *get(json_object *o, const char *key, json_type t) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !v || !json_object_is_type(v, t))
                return NULL;
        return v;
}

static const char *get_string(json_object *o, const char *key) {
        json_object *v = get(o, key, json_type_string);
        return v ? json_object_get_string(v) : NULL;
}

static bool base64_field_listed(const char *fields, const char *name) {
        size_t l = strlen(name);

        /* A comma list, compared word by word as strings.Split did: no trimming. */
        for (const char *p = fields; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                if (strneq(p, name, l) && (p[l] == ',' || p[l] == 0))
                        return true;
        return false;
}

int cloudsigma_parse_context(const char *json, CloudsigmaLocalIpFn find_local_ipv4, Metadata *ret,
                             char **ret_user_data, size_t *ret_user_data_size, char **reterr) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL;
        enum json_tokener_error jerr;
        size_t ud_size = 0;
        int r;

        /* json-c owns everything below root. */
        _cleanup_(json_object_putp) json_object *root = json_tokener_parse_verbose(json, &jerr);
        if (!root)
                return reterr_printf(reterr, -EBADMSG, "the server context is not JSON: %s", json_tokener_error_desc(jerr));
        if (!json_object_is_type(root, json_type_object))
                return reterr_printf(reterr, -EBADMSG, "the server context is not a JSON object");

        json_object *meta = get(root, "meta", json_type_object);
        if (meta) {
                /* cepgo's Meta(): a map of strings, else this message. */
                json_object_object_foreach(meta, k, v) {
                        (void) k;
                        if (!v || !json_object_is_type(v, json_type_string))
                                return reterr_printf(reterr, -EBADMSG, "Server context metadata is formatted badly");
                }
        }

        /* name, else uuid. A CloudSigma server name is free text ("My server 1");
         * one that is not a host name gives way to the uuid. */
        const char *name = get_string(root, "name"), *uuid = get_string(root, "uuid");
        if (!isempty(uuid) && metadata_is_word(uuid, 128)) {
                m.instance_id = strdup(uuid);
                if (!m.instance_id)
                        return -ENOMEM;
        }
        const char *host = !isempty(name) && metadata_is_hostname(name) ? name :
                           !isempty(uuid) && metadata_is_hostname(uuid) ? uuid : NULL;
        if (host) {
                m.hostname = strdup(host);
                if (!m.hostname)
                        return -ENOMEM;
        }

        /* An empty string means no key; the key is named by its last word (its comment). */
        const char *key = get_string(meta, "ssh_public_key");
        if (!isempty(key)) {
                _cleanup_free_ char *k = strdup(key);
                if (!k)
                        return -ENOMEM;
                metadata_first_line(k);
                if (!metadata_is_line(k))
                        return reterr_printf(reterr, -EBADMSG, "meta.ssh_public_key is not one line of text");
                const char *space = strrchr(k, ' ');
                r = metadata_add_key(&m, space ? space + 1 : k, k);
                if (r < 0)
                        return r;
        }

        json_object *nics = get(root, "nics", json_type_array);
        for (size_t i = 0; nics && i < json_object_array_length(nics); i++) {
                json_object *nic = json_object_array_get_idx(nics, i);
                if (!nic || !json_object_is_type(nic, json_type_object))
                        continue;

                const char *ip = get_string(get(get(nic, "ip_v4_conf", json_type_object), "ip", json_type_object), "uuid");
                if (!isempty(ip)) {
                        r = metadata_set_checked(&m.public_ipv4, ip, metadata_is_ipv4);
                        if (r < 0)
                                return reterr_printf(reterr, r, "nics[%zu].ip_v4_conf.ip.uuid: unexpected value \"%.64s\"",
                                                i, ip);
                }

                /* A NIC on a VLAN: its private address is what the local
                 * interface with that MAC has. */
                const char *vlan = get_string(get(nic, "vlan", json_type_object), "uuid");
                const char *mac = get_string(nic, "mac");
                if (!isempty(vlan) && mac && find_local_ipv4) {
                        _cleanup_free_ char *local = NULL;
                        r = find_local_ipv4(mac, &local);
                        if (r == -ENOMEM)
                                return r;
                        if (r >= 0 && local) {
                                free(m.private_ipv4);
                                m.private_ipv4 = TAKE_PTR(local);
                        }
                }
        }

        json_object *udv = meta ? get(meta, "cloudinit-user-data", json_type_string) : NULL;
        if (udv) {
                const char *text = json_object_get_string(udv);
                size_t len = (size_t) json_object_get_string_len(udv);
                const char *fields = get_string(meta, "base64_fields");

                if (fields && base64_field_listed(fields, "cloudinit-user-data")) {
                        r = base64_decode(text, len, &ud, &ud_size);
                        if (r == -ENOMEM)
                                return r;
                        /* coreos-cloudinit silently used no user-data then. */
                        if (r < 0)
                                return reterr_printf(reterr, -EBADMSG,
                                                "meta.cloudinit-user-data is listed in base64_fields but is not base64");
                } else {
                        ud = strndup(text, len);
                        if (!ud)
                                return -ENOMEM;
                        ud_size = len;
                }
        }

        *ret = m;
        m = (Metadata) {};
        *ret_user_data = TAKE_PTR(ud);
        *ret_user_data_size = ud_size;
        return 0;
}

/* "aa:bb:cc:dd:ee:ff" (or with '-') → 6 bytes. */
static int parse_mac(const char *s, unsigned char mac[6]) {
        for (size_t i = 0; i < 6; i++) {
                unsigned v;
                int n = 0;
                if (sscanf(s, "%2x%n", &v, &n) != 1 || n != 2)
                        return -EINVAL;
                mac[i] = (unsigned char) v;
                s += 2;
                if (i < 5) {
                        if (*s != ':' && *s != '-')
                                return -EINVAL;
                        s++;
                }
        }
        return *s ? -EINVAL : 0;
}

static void freeifaddrsp(struct ifaddrs **p) {
        if (*p)
                freeifaddrs(*p);
}

static int local_ipv4_by_mac(const char *mac, char **ret) {
        _cleanup_(freeifaddrsp) struct ifaddrs *ifs = NULL;
        unsigned char want[6];
        char text[INET_ADDRSTRLEN];

        if (parse_mac(mac, want) < 0)
                return -EINVAL;
        if (getifaddrs(&ifs) < 0)
                return -errno;

        for (struct ifaddrs *a = ifs; a; a = a->ifa_next) {
                if (!a->ifa_addr || a->ifa_addr->sa_family != AF_PACKET)
                        continue;
                const struct sockaddr_ll *ll = (const struct sockaddr_ll *) a->ifa_addr;
                if (ll->sll_halen != 6 || memcmp(ll->sll_addr, want, 6) != 0)
                        continue;
                for (struct ifaddrs *b = ifs; b; b = b->ifa_next) {
                        if (!b->ifa_addr || b->ifa_addr->sa_family != AF_INET || !streq(b->ifa_name, a->ifa_name))
                                continue;
                        const struct sockaddr_in *in = (const struct sockaddr_in *) b->ifa_addr;
                        if (!inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)))
                                continue;
                        char *t = strdup(text);
                        if (!t)
                                return -ENOMEM;
                        *ret = t;
                        return 0;
                }
        }
        return -ENOENT;
}

static int serial_setup(int fd) {
        struct termios t;

        if (tcgetattr(fd, &t) < 0)
                return -errno;
        cfmakeraw(&t);
        t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
        t.c_cflag |= CS8 | CLOCAL | CREAD;
        if (cfsetispeed(&t, B115200) < 0 || cfsetospeed(&t, B115200) < 0)
                return -errno;
        if (tcsetattr(fd, TCSANOW, &t) < 0)
                return -errno;
        /* Whatever an earlier reader left unread is not our answer. */
        (void) tcflush(fd, TCIFLUSH);
        return 0;
}

/* Waits for fd to become ready for events until until_usec (CLOCK_MONOTONIC);
 * -ETIMEDOUT then. */
static int wait_fd(int fd, short events, uint64_t until_usec) {
        for (;;) {
                uint64_t now = now_usec();
                if (now >= until_usec)
                        return -ETIMEDOUT;
                struct pollfd p = { .fd = fd, .events = events };
                int n = poll(&p, 1, (int) MIN((until_usec - now) / 1000 + 1, (uint64_t) INT32_MAX));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n > 0)
                        return 0;
        }
}

int source_cloudsigma_fetch(SourceContext *c, const char *device, SourceResult *ret) {
        _cleanup_free_ char *product = NULL, *ud = NULL, *err = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_(buf_done) Buf reply = {};
        _cleanup_close_ int fd = -EBADF;
        size_t ud_size = 0, len = 0;
        int r;

        device = device ?: c->cloudsigma_device;

        /* coreos-cloudinit also waited for a DHCP lease in
         * /run/systemd/netif/leases/: the server context is on the serial port
         * and needs no network, and a node with static addresses never gets a
         * lease (it waited five minutes and failed). Not CloudSigma now means
         * never. */
        r = source_read_dmi(c, "product_name", &product);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/product_name: %s", c->dmi_dir, strerror(-r));
        if (!product || !startswith(product, "CloudSigma"))
                return source_fail(c, -ENODEV, "not running on CloudSigma (DMI product_name \"%s\" in %s)",
                                   strna(product), c->dmi_dir);

        fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return source_fail(c, -errno, "%s: %m", device);
        r = serial_setup(fd);
        if (r < 0)
                return source_fail(c, r, "%s: cannot set up the serial line: %s", device, strerror(-r));

        /* One request: bounded by the request timeout and the deadline; no
         * answer means "poll again", as an HTTP source's timeout does. */
        uint64_t until = now_usec() + source_request_timeout(c);
        static const char request[] = "<\n\n>";
        for (size_t done = 0; done < sizeof(request) - 1;) {
                r = wait_fd(fd, POLLOUT, until);
                if (r < 0)
                        break;
                ssize_t n = write(fd, request + done, sizeof(request) - 1 - done);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        return source_fail(c, -errno, "%s: %m", device);
                done += (size_t) n;
        }

        while (r >= 0) {
                char chunk[4096];

                r = wait_fd(fd, POLLIN, until);
                if (r < 0)
                        break;
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0 && errno != EIO)
                        return source_fail(c, -errno, "%s: %m", device);
                if (n <= 0) {
                        /* EIO/EOF: the other end of the line went away (a pty's master). */
                        source_fail(c, -EIO, "%s: the line closed before the server context was complete", device);
                        return -EAGAIN;
                }
                if (reply.len + (size_t) n > SOURCE_DOCUMENT_MAX_SIZE)
                        return source_fail(c, -EFBIG, "%s: server context larger than %u bytes", device,
                                           SOURCE_DOCUMENT_MAX_SIZE);
                if (buf_append(&reply, chunk, (size_t) n) < 0)
                        return -ENOMEM;
                if (cloudsigma_reply_complete(reply.data, reply.len, &len) == 0)
                        break;
        }
        if (r == -ETIMEDOUT) {
                source_fail(c, r, "%s: no server context in time (%zu bytes, no end of transmission)", device,
                            reply.len);
                return -EAGAIN;
        }
        if (r < 0)
                return source_fail(c, r, "%s: %s", device, strerror(-r));

        _cleanup_free_ char *json = strndup(reply.data, len);
        if (!json)
                return -ENOMEM;
        r = cloudsigma_parse_context(json, local_ipv4_by_mac, &m, &ud, &ud_size, &err);
        if (r < 0)
                return source_fail(c, r, "%s: %s", device, err ?: strerror(-r));

        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}
