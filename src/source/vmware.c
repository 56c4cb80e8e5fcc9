/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/wait.h>

#include <expat.h>

#include "basic/buf.h"
#include "basic/content-encoding.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/path-util.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "source/source-internal.h"

/* VMware, as coreos-cloudinit's datasource/vmware: the guestinfo keys, read
 * through open-vm-tools' vmware-rpctool (-from-vmware-guestinfo), or the
 * guestinfo.* properties of an OVF environment document (guestinfo key
 * "ovfenv", or -from-vmware-ovf-env=PATH). Both go through one key → metadata
 * and key → user-data logic. */

#define VMWARE_MAX_ITEMS 64U            /* interfaces, addresses, routes, DNS entries */
#define OVF_MAX_DEPTH 32U
#define OVF_MAX_PROPERTIES 4096U

/* --- OVF environment --- */

typedef struct OvfParse {
        XML_Parser parser;
        unsigned depth;
        /* Depth of the PropertySection directly under the root, 0 if not inside one. */
        unsigned in_section;
        char **props;
        size_t n_props;
        int error;
        const char *why;
} OvfParse;

/* With namespace processing names are "URI\x01local"; Go's encoding/xml, which
 * coreos-cloudinit used, matches local names only. */
static const char *local_name(const char *name) {
        const char *sep = strrchr(name, '\x01');
        return sep ? sep + 1 : name;
}

static void ovf_stop(OvfParse *p, int error, const char *why) {
        if (p->error == 0) {
                p->error = error;
                p->why = why;
        }
        (void) XML_StopParser(p->parser, XML_FALSE);
}

static void XMLCALL ovf_start(void *userdata, const XML_Char *name, const XML_Char **attrs) {
        OvfParse *p = userdata;
        const char *l = local_name(name);
        int r;

        if (++p->depth > OVF_MAX_DEPTH) {
                ovf_stop(p, -EBADMSG, "elements nested too deeply");
                return;
        }

        if (p->depth == 2 && streq(l, "PropertySection"))
                p->in_section = 2;
        if (p->in_section == 0 || p->depth != 3 || !streq(l, "Property"))
                return;

        const char *key = NULL, *value = NULL;
        for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2) {
                const char *a = local_name(attrs[i]);
                if (streq(a, "key"))
                        key = attrs[i + 1];
                else if (streq(a, "value"))
                        value = attrs[i + 1];
        }
        if (!key)
                return;
        if (p->n_props >= OVF_MAX_PROPERTIES) {
                ovf_stop(p, -EBADMSG, "too many properties");
                return;
        }

        /* A later property of the same key replaces the earlier, as Go's map did. */
        for (size_t i = 0; i < p->n_props; i += 2)
                if (streq(p->props[i], key)) {
                        char *v = strdup(strempty(value));
                        if (!v) {
                                ovf_stop(p, -ENOMEM, NULL);
                                return;
                        }
                        free(p->props[i + 1]);
                        p->props[i + 1] = v;
                        return;
                }
        r = strv_extend(&p->props, key);
        if (r >= 0)
                r = strv_extend(&p->props, strempty(value));
        if (r < 0) {
                ovf_stop(p, r, NULL);
                return;
        }
        p->n_props += 2;
}

static void XMLCALL ovf_end(void *userdata, const XML_Char *name) {
        OvfParse *p = userdata;

        (void) name;
        if (p->in_section == p->depth)
                p->in_section = 0;
        p->depth--;
}

/* An OVF environment has no DTD; refusing one keeps entity expansion out. */
static void XMLCALL ovf_doctype(void *userdata, const XML_Char *name, const XML_Char *sysid,
                                const XML_Char *pubid, int has_internal_subset) {
        (void) name, (void) sysid, (void) pubid, (void) has_internal_subset;
        ovf_stop(userdata, -EBADMSG, "a DOCTYPE is not allowed");
}

int vmware_parse_ovf_env(const char *xml, size_t size, char ***ret, char **reterr, unsigned *reterr_line) {
        OvfParse p = {};
        int r = 0;

        if (size > SOURCE_DOCUMENT_MAX_SIZE) {
                if (reterr)
                        *reterr = strdup("document too large");
                if (reterr_line)
                        *reterr_line = 0;
                return -EBADMSG;
        }

        p.parser = XML_ParserCreateNS(NULL, '\x01');
        if (!p.parser)
                return -ENOMEM;
        XML_SetUserData(p.parser, &p);
        XML_SetElementHandler(p.parser, ovf_start, ovf_end);
        XML_SetStartDoctypeDeclHandler(p.parser, ovf_doctype);

        enum XML_Status st = XML_Parse(p.parser, xml, (int) size, XML_TRUE);
        if (p.error == -ENOMEM)
                r = -ENOMEM;
        else if (st != XML_STATUS_OK || p.error < 0) {
                const char *why = p.why ?: XML_ErrorString(XML_GetErrorCode(p.parser));
                if (reterr)
                        *reterr = strdup(strempty(why));
                if (reterr_line)
                        *reterr_line = (unsigned) XML_GetCurrentLineNumber(p.parser);
                r = -EBADMSG;
        }
        XML_ParserFree(p.parser);
        if (r < 0) {
                strv_free(p.props);
                return r;
        }

        if (!p.props) {
                /* No properties: an empty list, not NULL. */
                p.props = new0(char *, 1);
                if (!p.props)
                        return -ENOMEM;
        }
        *ret = p.props;
        return 0;
}

int vmware_ovf_read(void *userdata, const char *key, char **ret) {
        char **props = userdata;
        char *v = NULL;

        for (size_t i = 0; props && props[i] && props[i + 1]; i += 2) {
                const char *k = startswith(props[i], "guestinfo.");
                if (!k || !streq(k, key) || isempty(props[i + 1]))
                        continue;
                v = strdup(props[i + 1]);
                if (!v)
                        return -ENOMEM;
                break;
        }
        *ret = v;
        return 0;
}

/* --- key → metadata --- */

typedef struct KeyReader {
        VmwareReadFn read;
        void *userdata;
        char ***network_keys;
} KeyReader;

/* Reads a key and, when it has a value, keeps it for the network converter
 * (coreos-cloudinit's saveConfig). */
static int save_key(KeyReader *k, char **ret, const char *fmt, ...) _printf_(3, 4);
static int save_key(KeyReader *k, char **ret, const char *fmt, ...) {
        _cleanup_free_ char *key = NULL, *value = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&key, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;

        r = k->read(k->userdata, key, &value);
        if (r < 0)
                return r;
        if (!isempty(value)) {
                r = strv_extend(k->network_keys, key);
                if (r >= 0)
                        r = strv_extend(k->network_keys, value);
                if (r < 0)
                        return r;
        }
        bool has = !isempty(value);
        if (ret)
                *ret = TAKE_PTR(value);
        return has;
}

/* Go's net.ParseCIDR: an address, '/', a prefix length in range. The address
 * in canonical text (IPv6 compressed, IPv4-mapped as IPv4). */
static int parse_cidr(const char *s, char **ret, bool *ret_v4) {
        _cleanup_free_ char *a = strdup(s);
        unsigned char buf[sizeof(struct in6_addr)];
        char text[INET6_ADDRSTRLEN];
        unsigned max;
        bool v4;

        if (!a)
                return -ENOMEM;
        char *slash = strchr(a, '/');
        if (!slash)
                return -EBADMSG;
        *slash = 0;
        if (inet_pton(AF_INET, a, buf) == 1) {
                v4 = true;
                max = 32;
        } else if (inet_pton(AF_INET6, a, buf) == 1) {
                v4 = IN6_IS_ADDR_V4MAPPED((struct in6_addr *) buf);
                if (v4)
                        memmove(buf, buf + 12, 4);
                max = 128;
        } else
                return -EBADMSG;

        const char *p = slash + 1;
        if (!*p || strlen(p) > 3 || strspn(p, "0123456789") != strlen(p) || (unsigned) atoi(p) > max)
                return -EBADMSG;
        if (!inet_ntop(v4 ? AF_INET : AF_INET6, buf, text, sizeof(text)))
                return -EBADMSG;
        char *t = strdup(text);
        if (!t)
                return -ENOMEM;
        *ret = t;
        *ret_v4 = v4;
        return 0;
}

int vmware_parse_metadata(VmwareReadFn read, void *userdata, Metadata *ret, char **reterr) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_strv_free_ char **netkeys = NULL;
        _cleanup_free_ char *hostname = NULL;
        KeyReader k = { .read = read, .userdata = userdata, .network_keys = &netkeys };
        int r;

        r = read(userdata, "hostname", &hostname);
        if (r < 0)
                return r;
        if (hostname) {
                r = metadata_set_checked(&m.hostname, hostname, metadata_is_hostname);
                if (r < 0)
                        return reterr_printf(reterr, r, "hostname: unexpected value \"%.64s\"", hostname);
        }

        /* Each list ends at its first missing index, as in coreos-cloudinit;
         * the bound keeps a hostile key set from costing thousands of reads. */
        for (unsigned i = 0; i < VMWARE_MAX_ITEMS; i++) {
                r = save_key(&k, NULL, "dns.server.%u", i);
                if (r <= 0)
                        break;
        }
        if (r < 0)
                return r;
        for (unsigned i = 0; i < VMWARE_MAX_ITEMS; i++) {
                r = save_key(&k, NULL, "dns.domain.%u", i);
                if (r <= 0)
                        break;
        }
        if (r < 0)
                return r;

        bool found = true;
        for (unsigned i = 0; found && i < VMWARE_MAX_ITEMS; i++) {
                _cleanup_free_ char *role = NULL, *role_key = NULL;
                found = false;

                r = save_key(&k, NULL, "interface.%u.name", i);
                if (r < 0)
                        return r;
                found = found || r > 0;
                r = save_key(&k, NULL, "interface.%u.mac", i);
                if (r < 0)
                        return r;
                found = found || r > 0;
                r = save_key(&k, NULL, "interface.%u.dhcp", i);
                if (r < 0)
                        return r;
                found = found || r > 0;

                /* The role is read but not kept: it is not network configuration. */
                if (asprintf(&role_key, "interface.%u.role", i) < 0)
                        return -ENOMEM;
                r = read(userdata, role_key, &role);
                if (r < 0)
                        return r;

                for (unsigned a = 0; a < VMWARE_MAX_ITEMS; a++) {
                        _cleanup_free_ char *address = NULL, *ip = NULL;
                        bool v4;

                        r = save_key(&k, &address, "interface.%u.ip.%u.address", i, a);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                break;
                        found = true;

                        r = parse_cidr(address, &ip, &v4);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                return reterr_printf(reterr, -EBADMSG, "interface.%u.ip.%u.address: invalid CIDR address: %.64s",
                                                i, a, address);
                        /* The last address of a role wins, as in coreos-cloudinit. */
                        char **field = streq_ptr(role, "public") ? (v4 ? &m.public_ipv4 : &m.public_ipv6) :
                                       streq_ptr(role, "private") ? (v4 ? &m.private_ipv4 : &m.private_ipv6) : NULL;
                        if (field) {
                                free(*field);
                                *field = TAKE_PTR(ip);
                        } else if (!isempty(role))
                                return reterr_printf(reterr, -EBADMSG, "unrecognized role: \"%.32s\"", role);
                }

                for (unsigned l = 0; l < VMWARE_MAX_ITEMS; l++) {
                        int g, d;

                        g = save_key(&k, NULL, "interface.%u.route.%u.gateway", i, l);
                        if (g < 0)
                                return g;
                        d = save_key(&k, NULL, "interface.%u.route.%u.destination", i, l);
                        if (d < 0)
                                return d;
                        if (g == 0 && d == 0)
                                break;
                        found = true;
                }
        }

        /* VMware always has a network description, if an empty one. */
        if (!netkeys) {
                netkeys = new0(char *, 1);
                if (!netkeys)
                        return -ENOMEM;
        }
        m.network_keys = TAKE_PTR(netkeys);
        *ret = m;
        m = (Metadata) {};
        return 0;
}

/* --- key → user-data --- */

static int read_data(VmwareReadFn read, void *userdata, const char *prefix, char **ret, size_t *ret_size,
                     char **reterr) {
        _cleanup_free_ char *key = NULL, *data = NULL, *encoding = NULL, *out = NULL;
        size_t out_size = 0;
        int r;

        if (asprintf(&key, "%s.config.data", prefix) < 0)
                return -ENOMEM;
        r = read(userdata, key, &data);
        if (r < 0)
                return r;
        if (!data) {
                *ret = NULL;
                return 0;
        }

        free(key);
        if (asprintf(&key, "%s.config.data.encoding", prefix) < 0)
                return -ENOMEM;
        r = read(userdata, key, &encoding);
        if (r < 0)
                return r;

        /* Every write_files encoding, decoded as coreos-cloudinit's config.DecodeContent. */
        r = file_content_decode(encoding, data, strlen(data), &out, &out_size);
        if (r == -ENOMEM)
                return r;
        if (r == -EOPNOTSUPP)
                return reterr_printf(reterr, -EBADMSG, "guestinfo.%s: Unsupported encoding \"%.32s\"", key, encoding);
        if (r < 0)
                return reterr_printf(reterr, -EBADMSG, "guestinfo.%s.config.data cannot be decoded as \"%.32s\"",
                                prefix, encoding);
        if (out_size > SOURCE_USER_DATA_MAX_SIZE)
                return reterr_printf(reterr, -EFBIG, "guestinfo.%s.config.data: larger than %u bytes decoded",
                                prefix, SOURCE_USER_DATA_MAX_SIZE);
        *ret = TAKE_PTR(out);
        *ret_size = out_size;
        return 0;
}

static int read_url(VmwareReadFn read, void *userdata, const char *prefix, char **ret, char **reterr) {
        _cleanup_free_ char *key = NULL, *url = NULL;
        int r;

        if (asprintf(&key, "%s.config.url", prefix) < 0)
                return -ENOMEM;
        r = read(userdata, key, &url);
        if (r < 0)
                return r;
        if (url && !startswith(url, "http://") && !startswith(url, "https://"))
                return reterr_printf(reterr, -EBADMSG, "guestinfo.%s is not an http(s) URL", key);
        *ret = TAKE_PTR(url);
        return 0;
}

int vmware_user_data(VmwareReadFn read, void *userdata, char **ret, size_t *ret_size, char **ret_url, char **reterr) {
        _cleanup_free_ char *data = NULL, *url = NULL;
        size_t size = 0;
        int r;

        /* coreos.config.* is what nodeinit is for; Flatcar's fork preferred
         * ignition.config.*, here they are read only when no coreos.config.*
         * key is set (and what they hold is classified like any user-data:
         * an Ignition config is detected and not applied). */
        static const char *const prefixes[] = { "coreos", "ignition" };
        for (size_t i = 0; i < ELEMENTSOF(prefixes) && !data && !url; i++) {
                r = read_data(read, userdata, prefixes[i], &data, &size, reterr);
                if (r < 0)
                        return r;
                if (data)
                        break;
                r = read_url(read, userdata, prefixes[i], &url, reterr);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(data);
        *ret_size = size;
        *ret_url = TAKE_PTR(url);
        return 0;
}

/* --- vmware-rpctool --- */

typedef struct RpcTool {
        SourceContext *c;
        unsigned calls;
} RpcTool;

/* Runs `vmware-rpctool "info-get guestinfo.<key>"` (no shell), bounded by the
 * deadline. A key without a value is rpctool's "No value found" and exit 1. */
static int rpctool_read(void *userdata, const char *key, char **ret) {
        RpcTool *t = userdata;
        SourceContext *c = t->c;
        _cleanup_close_ int out_r = -EBADF, out_w = -EBADF, err_r = -EBADF, err_w = -EBADF;
        _cleanup_(buf_done) Buf out = {}, err = {};
        _cleanup_free_ char *cmd = NULL;
        posix_spawn_file_actions_t fa;
        extern char **environ;
        int fds[2], r, status = 0;
        pid_t pid;

        _cleanup_free_ char *tool = NULL;
        r = find_executable("vmware-rpctool", getenv("PATH") ?: "/usr/bin:/bin", &tool);
        if (r == -ENOENT)
                return source_fail(c, -ENOENT, "vmware-rpctool is not on PATH (it comes with open-vm-tools)");
        if (r < 0)
                return r;

        if (asprintf(&cmd, "info-get guestinfo.%s", key) < 0)
                return -ENOMEM;
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        out_r = fds[0], out_w = fds[1];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        err_r = fds[0], err_w = fds[1];

        r = posix_spawn_file_actions_init(&fa);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, out_w, STDOUT_FILENO);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, err_w, STDERR_FILENO);
        char *argv[] = { (char *) "vmware-rpctool", cmd, NULL };
        if (r == 0)
                r = posix_spawn(&pid, tool, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                return source_fail(c, -r, "vmware-rpctool: %s", strerror(r));
        t->calls++;
        out_w = safe_close(out_w);
        err_w = safe_close(err_w);

        struct pollfd p[2] = { { .fd = out_r, .events = POLLIN }, { .fd = err_r, .events = POLLIN } };
        bool timed_out = false;
        r = 0;
        while (p[0].fd >= 0 || p[1].fd >= 0) {
                uint64_t left = retry_left_usec(&c->retry);
                if (left == 0) {
                        timed_out = true;
                        break;
                }
                int n = poll(p, 2, (int) MIN(left / 1000 + 1, (uint64_t) INT32_MAX));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                for (size_t i = 0; i < 2; i++) {
                        char chunk[4096];
                        if (p[i].fd < 0 || p[i].revents == 0)
                                continue;
                        ssize_t l = read(p[i].fd, chunk, sizeof(chunk));
                        if (l < 0 && errno == EINTR)
                                continue;
                        if (l <= 0) {
                                p[i].fd = -1;
                                continue;
                        }
                        Buf *b = i == 0 ? &out : &err;
                        /* stderr is only for the message; stdout is bounded by the user-data limit. */
                        if (b->len + (size_t) l > (i == 0 ? SOURCE_USER_DATA_MAX_SIZE + 1 : 4096)) {
                                if (i == 0) {
                                        r = -EFBIG;
                                        break;
                                }
                                continue;
                        }
                        if (buf_append(b, chunk, (size_t) l) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                }
                if (r < 0)
                        break;
        }

        if (timed_out || r < 0)
                (void) kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return source_fail(c, -errno, "vmware-rpctool: %m");

        if (timed_out)
                return source_fail(c, -ETIMEDOUT, "vmware-rpctool \"%s\": no answer in time", cmd);
        if (r == -EFBIG)
                return source_fail(c, r, "vmware-rpctool \"%s\": value larger than %u bytes", cmd,
                                   SOURCE_USER_DATA_MAX_SIZE);
        if (r < 0)
                return source_fail(c, r, "vmware-rpctool \"%s\": %s", cmd, strerror(-r));

        _cleanup_free_ char *errtext = err.len > 0 ? strndup(err.data, err.len) : NULL;
        if (errtext)
                metadata_first_line(errtext);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                if (WIFEXITED(status) && errtext && strstr(errtext, "No value found")) {
                        *ret = NULL;
                        return 0;
                }
                if (!isempty(errtext))
                        return source_fail(c, -EIO, "vmware-rpctool \"%s\" failed: %s", cmd, errtext);
                return source_fail(c, -EIO, "vmware-rpctool \"%s\" failed: %s %d", cmd,
                                   WIFEXITED(status) ? "exit status" : "killed by signal",
                                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        }

        /* rpctool prints the value and a newline. */
        if (out.len > 0 && out.data[out.len - 1] == '\n')
                out.len--;
        if (out.len == 0) {
                *ret = NULL;
                return 0;
        }
        if (memchr(out.data, 0, out.len))
                return source_fail(c, -EBADMSG, "guestinfo.%s: the value contains a NUL byte", key);
        char *v = strndup(out.data, out.len);
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

/* --- the two sources --- */

/* Fetches what the user-data keys point at; the URL is waited for under the
 * deadline as coreos-cloudinit's GetRetry did. */
static int fetch_user_data(SourceContext *c, const char *where, VmwareReadFn read, void *userdata,
                           char **ret, size_t *ret_size) {
        _cleanup_free_ char *data = NULL, *url = NULL, *err = NULL;
        size_t size = 0;
        int r;

        r = vmware_user_data(read, userdata, &data, &size, &url, &err);
        if (r < 0)
                return c->error && !err ? r : source_fail(c, r, "%s: %s", where, err ?: strerror(-r));

        if (url) {
                _cleanup_(http_response_done) HttpResponse resp = {};
                _cleanup_free_ char *shown = http_url_redact(url);
                if (!shown)
                        return -ENOMEM;

                r = source_http_get(c, url, NULL, SOURCE_USER_DATA_MAX_SIZE, true, true, &resp);
                if (r < 0)
                        return r;
                if (resp.status < 200 || resp.status >= 300)
                        return source_fail(c, -ENOENT, "%s: HTTP %ld", shown, resp.status);
                data = TAKE_PTR(resp.body);
                size = resp.size;
        }

        *ret = TAKE_PTR(data);
        *ret_size = size;
        return 0;
}

static int fetch_keys(SourceContext *c, const char *where, VmwareReadFn read, void *userdata, SourceResult *ret) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL, *err = NULL;
        size_t ud_size = 0;
        int r;

        r = vmware_parse_metadata(read, userdata, &m, &err);
        if (r < 0)
                /* A failed rpctool call has said why already. */
                return c->error && !err ? r : source_fail(c, r, "%s: %s", where, err ?: strerror(-r));

        r = fetch_user_data(c, where, read, userdata, &ud, &ud_size);
        if (r < 0)
                return r;

        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}

static int ovf_load(SourceContext *c, const char *where, const char *xml, size_t size, char ***ret) {
        _cleanup_free_ char *err = NULL;
        unsigned line = 0;
        int r;

        r = vmware_parse_ovf_env(xml, size, ret, &err, &line);
        if (r == -EBADMSG) {
                if (line > 0)
                        return source_fail(c, r, "%s:%u: malformed OVF environment: %s", where, line, strna(err));
                return source_fail(c, r, "%s: malformed OVF environment: %s", where, strna(err));
        }
        return r;
}

static bool is_vmware(const char *s) {
        return s && strstr(s, "VMware");
}

int source_vmware_guestinfo_fetch(SourceContext *c, const char *arg, SourceResult *ret) {
        _cleanup_free_ char *vendor = NULL, *product = NULL, *ovfenv = NULL;
        RpcTool t = { .c = c };
        int r;

        (void) arg;

        /* coreos-cloudinit asked the hypervisor backdoor; DMI says the same
         * without executing privileged instructions. Not VMware now means
         * never: no polling, as coreos-cloudinit's AvailabilityChanges false. */
        r = source_read_dmi(c, "sys_vendor", &vendor);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/sys_vendor: %s", c->dmi_dir, strerror(-r));
        r = source_read_dmi(c, "product_name", &product);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/product_name: %s", c->dmi_dir, strerror(-r));
        if (!is_vmware(vendor) && !is_vmware(product))
                return source_fail(c, -ENODEV, "not running on VMware (DMI sys_vendor \"%s\", product_name \"%s\" in %s)",
                                   strna(vendor), strna(product), c->dmi_dir);

        r = rpctool_read(&t, "ovfenv", &ovfenv);
        if (r < 0)
                return r;
        if (ovfenv) {
                /* An OVF environment handed over as a guestinfo key takes precedence. */
                _cleanup_strv_free_ char **props = NULL;
                log_debug("Using the OVF environment from guestinfo.ovfenv");
                r = ovf_load(c, "guestinfo.ovfenv", ovfenv, strlen(ovfenv), &props);
                if (r < 0)
                        return r;
                r = fetch_keys(c, "guestinfo.ovfenv", vmware_ovf_read, props, ret);
        } else {
                r = fetch_keys(c, "guestinfo", rpctool_read, &t, ret);
                log_debug("vmware-rpctool ran %u times", t.calls);
        }
        if (r < 0)
                return r;

        /* Where the keys came from: the report shows whether ovfenv won. */
        ret->where = strdup(ovfenv ? "guestinfo.ovfenv" : "guestinfo");
        return ret->where ? 0 : -ENOMEM;
}

int source_vmware_ovf_fetch(SourceContext *c, const char *path, SourceResult *ret) {
        _cleanup_free_ char *xml = NULL;
        _cleanup_strv_free_ char **props = NULL;
        size_t size = 0;
        int r;

        /* Available when the file exists, and never later: coreos-cloudinit
         * did not poll for it (its unit waits for the medium instead). */
        r = read_full_file_at(AT_FDCWD, path, SOURCE_DOCUMENT_MAX_SIZE, &xml, &size);
        if (r == -ENOENT)
                return source_fail(c, r, "%s does not exist", path);
        if (r == -EFBIG)
                return source_fail(c, r, "%s: larger than %u bytes", path, SOURCE_DOCUMENT_MAX_SIZE);
        if (r < 0)
                return source_fail(c, r, "%s: %s", path, strerror(-r));

        r = ovf_load(c, path, xml, size, &props);
        if (r < 0)
                return r;
        return fetch_keys(c, path, vmware_ovf_read, props, ret);
}
