/* SPDX-License-Identifier: Apache-2.0 */
#include <strings.h>

#include <json-c/json.h>

#include "basic/compress.h"
#include "basic/json-util.h"
#include "userdata/mime.h"
#include "userdata/userdata.h"

static const char * const user_data_kind_table[_USER_DATA_KIND_MAX] = {
        [USER_DATA_EMPTY] = "empty",
        [USER_DATA_CLOUD_CONFIG] = "cloud-config",
        [USER_DATA_SCRIPT] = "script",
        [USER_DATA_IGNITION] = "ignition",
        [USER_DATA_MULTIPART] = "multipart",
        [USER_DATA_GZIP] = "gzip",
        [USER_DATA_UNKNOWN] = "unknown",
};

DEFINE_STRING_TABLE_LOOKUP(user_data_kind, UserDataKind, _USER_DATA_KIND_MAX);

/* Byte length of the whitespace character at p (0 if none), by Go's
 * unicode.IsSpace, which coreos-cloudinit's TrimSpace/TrimRightFunc use: the
 * ASCII ones plus NEL, NBSP and the Unicode Z-category spaces in UTF-8. */
static size_t space_len(const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;

        if (n == 0)
                return 0;
        if (strchr(" \t\n\r\v\f", p[0]) && p[0] != 0)
                return 1;
        if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
                return 2;
        if (n < 3)
                return 0;
        if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
                return 3; /* U+1680 */
        if (p[0] == 0xe2 && p[1] == 0x80 &&
            ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
                return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
                return 3; /* U+205F */
        if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
                return 3; /* U+3000 */
        return 0;
}

/* Length of s[0..n) without trailing whitespace. */
static size_t trim_right(const char *s, size_t n) {
        for (;;) {
                size_t l = 0;
                for (size_t k = 1; k <= MIN(n, (size_t) 3) && l == 0; k++)
                        if (space_len(s + n - k, k) == k)
                                l = k;
                if (l == 0)
                        return n;
                n -= l;
        }
}

static bool is_blank(const char *s, size_t n) {
        size_t i = 0;
        while (i < n) {
                size_t l = space_len(s + i, n - i);
                if (l == 0)
                        return false;
                i += l;
        }
        return true;
}

bool userdata_has_cloud_config_header(const char *data, size_t size) {
        static const char header[] = "#cloud-config";

        if (size == 0)
                return false;
        const char *nl = memchr(data, '\n', size);
        size_t n = trim_right(data, nl ? (size_t) (nl - data) : size);
        return n == strlen(header) && memcmp(data, header, n) == 0;
}

static void json_tokener_freep(json_tokener **t) {
        if (*t)
                json_tokener_free(*t);
}

/* coreos-cloudinit unmarshals into struct { Version *int `ignitionVersion`;
 * Ignition struct { Version *string `version` } `ignition` } with Go's
 * encoding/json: keys match case-insensitively, null leaves a pointer nil,
 * and any type mismatch (1.5, "1", a non-object "ignition") fails the whole
 * unmarshal, i.e. "not Ignition". */
static bool is_ignition(const char *data, size_t size) {
        size_t i = 0;
        while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
                i++;
        if (i >= size || data[i] != '{' || size > INT32_MAX)
                return false;

        _cleanup_(json_tokener_freep) json_tokener *tok = json_tokener_new_ex(64);
        if (!tok)
                return false;
        /* strict: Go's parser accepts no comments, single quotes or NaN */
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse_ex(tok, data, (int) size);
        if (!o || json_tokener_get_error(tok) != json_tokener_success ||
            !json_object_is_type(o, json_type_object))
                return false;
        for (size_t e = json_tokener_get_parse_end(tok); e < size; e++)
                if (!strchr(" \t\r\n", data[e]) || data[e] == 0)
                        return false;

        bool have_number = false, have_string = false;
        json_object_object_foreach(o, key, val) {
                if (strcasecmp(key, "ignitionVersion") == 0) {
                        if (!val)
                                have_number = false;
                        else if (json_object_is_type(val, json_type_int))
                                have_number = true;
                        else
                                return false;
                } else if (strcasecmp(key, "ignition") == 0) {
                        if (!val)
                                continue; /* null into a struct is a no-op */
                        if (!json_object_is_type(val, json_type_object))
                                return false;
                        json_object_object_foreach(val, ikey, ival) {
                                if (strcasecmp(ikey, "version") != 0)
                                        continue;
                                if (!ival)
                                        have_string = false;
                                else if (json_object_is_type(ival, json_type_string))
                                        have_string = true;
                                else
                                        return false;
                        }
                }
        }
        return have_number || have_string;
}

UserDataKind userdata_classify(const char *data, size_t size) {
        if (size == 0 || is_blank(data, size))
                return USER_DATA_EMPTY;
        if (is_gzip(data, size))
                return USER_DATA_GZIP;
        if (size >= 2 && data[0] == '#' && data[1] == '!')
                return USER_DATA_SCRIPT;
        if (is_ignition(data, size))
                return USER_DATA_IGNITION;
        if (userdata_has_cloud_config_header(data, size))
                return USER_DATA_CLOUD_CONFIG;
        if (mime_is_multipart(data, size))
                return USER_DATA_MULTIPART;
        return USER_DATA_UNKNOWN;
}
