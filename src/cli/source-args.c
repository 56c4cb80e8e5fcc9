/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "basic/escape.h"
#include "basic/log.h"
#include "basic/time-util.h"
#include "cli/source-args.h"

void source_args_done(SourceArgs *a) {
        source_spec_array_free(a->specs, a->n_specs);
        *a = (SourceArgs) {};
}

static int add_spec(SourceArgs *a, SourceSpec *s) {
        SourceSpec *n = reallocarray(a->specs, a->n_specs + 1, sizeof(SourceSpec));
        if (!n) {
                source_spec_done(s);
                return log_error_errno(-ENOMEM, "Out of memory.");
        }
        a->specs = n;
        a->specs[a->n_specs++] = *s;
        *s = (SourceSpec) {};
        return 0;
}

int source_args_handle(SourceArgs *a, int c, const char *name, const char *arg) {
        SourceSpec s = {};
        int r;

        switch (c) {
        case ARG_SOURCE_OEM:
                a->oem = arg;
                return 0;
        case ARG_SOURCE_TIMEOUT:
        case ARG_SOURCE_REQUEST_TIMEOUT:
                r = parse_seconds(arg, c == ARG_SOURCE_TIMEOUT ? &a->options.timeout_usec
                                                               : &a->options.request_timeout_usec);
                if (r < 0)
                        return log_error_errno(r, "-%s=%s: not a number of seconds", name, arg);
                return 0;
        case ARG_SOURCE_CLOUDSIGMA_DEVICE:
                a->options.cloudsigma_device = arg;
                return 0;
        case ARG_SOURCE_DMI_DIR:
                a->options.dmi_dir = arg;
                return 0;
        case ARG_SOURCE_IMDS:
                if (!streq(arg, "v1") && !streq(arg, "v2"))
                        return log_error_errno(-EINVAL, "--imds=%s: expected v1 or v2", arg);
                a->options.imds_v1_only = streq(arg, "v1");
                return 0;
        case ARG_SOURCE_IMDS_ENDPOINT:
                a->options.imds_endpoint = source_imds_endpoint_from_string(arg);
                if (a->options.imds_endpoint < 0)
                        return log_error_errno(-EINVAL, "--imds-endpoint=%s: expected ipv4, ipv6 or auto", arg);
                return 0;
        case ARG_SOURCE_FLAG:
                r = source_spec_from_flag(name, arg, &s);
                if (r == -ENOENT)
                        return 0; /* a boolean flag set to false */
                if (r < 0)
                        return log_error_errno(-EINVAL, "-%s=%s: invalid value", name, strempty(arg));
                return add_spec(a, &s);
        default:
                return -EINVAL;
        }
}

static int apply_oem(SourceArgs *a) {
        SourceSpec *p = NULL;
        size_t n = 0;
        int r;

        r = source_oem_preset(a->oem, &p, &n);
        if (r < 0) {
                _cleanup_(buf_done) Buf names = {};
                for (size_t i = 0; source_oem_names[i]; i++)
                        (void) buf_printf(&names, "%s%s", i ? " " : "", source_oem_names[i]);
                /* coreos-cloudinit's words; it printed them on stdout, where
                 * nodeinit's own verbs keep their reports */
                if (a->coreos_output) {
                        escape_fprintf(stdout, "Invalid option to -oem: \"%s\". Supported options: [%s]\n", a->oem,
                                       strempty(names.data));
                        return -EINVAL;
                }
                return log_error_errno(-EINVAL, "Invalid option to -oem: \"%s\". Supported options: [%s]", a->oem,
                                       strempty(names.data));
        }

        /* a preset's -convert-netconf overrides the flag, as coreos-cloudinit
         * applied presets after parsing; one without leaves it alone */
        if (source_oem_netconf(a->oem) != SOURCE_NETCONF_NONE)
                a->options.convert_netconf = source_oem_netconf(a->oem);

        for (size_t i = 0; i < n; i++) {
                r = add_spec(a, p + i);
                if (r < 0) {
                        source_spec_array_free(p + i + 1, n - i - 1);
                        free(p);
                        return r;
                }
        }
        free(p);
        return 0;
}

int source_args_finish(SourceArgs *a, char * const *words, size_t n_words, bool files_as_words) {
        int r;

        if (a->oem) {
                r = apply_oem(a);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < n_words; i++) {
                SourceSpec s = {};
                r = source_spec_parse(words[i], &s);
                if (r < 0 && files_as_words && access(words[i], F_OK) == 0) {
                        _cleanup_free_ char *w = NULL;
                        if (asprintf(&w, "file:%s", words[i]) < 0)
                                return log_error_errno(-ENOMEM, "Out of memory.");
                        r = source_spec_parse(w, &s);
                }
                if (r < 0)
                        return log_error_errno(-EINVAL,
                                               "%s: not a datasource (try ec2, ec2:URL, file:PATH, url:URL, cmdline, "
                                               "configdrive[:DIR], gce[:URL], digitalocean[:URL], packet[:URL], waagent[:DIR], "
                                               "vmware-guestinfo, vmware-ovf-env:PATH, cloudsigma[:DEVICE])",
                                               words[i]);
                r = add_spec(a, &s);
                if (r < 0)
                        return r;
        }

        if (a->n_specs == 0)
                return log_error_errno(-ENODATA,
                                       "Provide at least one of --from-file, --from-configdrive, --from-ec2-metadata, "
                                       "--from-gce-metadata, --from-cloudsigma-metadata, --from-packet-metadata, "
                                       "--from-digitalocean-metadata, --from-vmware-guestinfo, --from-waagent, "
                                       "--from-url or --from-proc-cmdline (or a SOURCE word)");
        return 0;
}
