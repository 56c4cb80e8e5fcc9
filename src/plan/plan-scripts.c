/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/plan-internal.h"

/* Scripts are saved and started by the systemd stage (apply/systemd.c);
 * the plan only carries them. */
int plan_scripts(Planner *P) {
        for (size_t i = 0; i < P->in->n_scripts; i++) {
                const PlanScriptInput *s = P->in->scripts + i;
                PlanScript ps = { .size = s->size };

                const char *line = s->content + 2, *end = s->content + s->size;
                const char *nl = memchr(line, '\n', (size_t) (end - line)) ?: end;
                while (line < nl && (*line == ' ' || *line == '\t'))
                        line++;
                size_t l = (size_t) (nl - line);
                while (l > 0 && strchr(" \t\r", line[l - 1]))
                        l--;
                ps.interpreter = strndup(line, l);
                ps.content = malloc(s->size + 1);
                ps.origin = strdup(s->origin ?: "user-data");
                if (ps.content) {
                        memcpy(ps.content, s->content, s->size);
                        ps.content[s->size] = 0;
                }
                PlanScript *n = realloc(P->plan->scripts, sizeof(PlanScript) * (P->plan->n_scripts + 1));
                if (n)
                        P->plan->scripts = n;
                if (!n || !ps.interpreter || !ps.content || !ps.origin) {
                        free(ps.interpreter);
                        free(ps.content);
                        free(ps.origin);
                        return -ENOMEM;
                }
                P->plan->scripts[P->plan->n_scripts++] = ps;
        }
        return 0;
}
