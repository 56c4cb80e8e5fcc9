#!/usr/bin/env python3
"""Property test over generated cloud-configs (issue 8): user names, write_files
paths, password hashes and SSH keys (user-data and config-drive metadata),
valid and hostile mixed. For every config, on a fresh Debian-like --root with
a local user bob whose home holds symlinks to /etc/x:

  0. --dry-run changes nothing at all;
  1. nothing outside the root changes: the host is read-only in this test's
     mount namespace (an attempt shows as EROFS), and the work directory
     around the root (a canary named by absolute and climbing symlinks
     planted in the root, the templates, the inputs) stays as it was;
  2. every path that changed under the root is one the config intends (the
     allowed set is computed from the generated config, never from
     nodeinit's output): a write_files path as normalised and resolved in the
     root, following only symlinks in root-owned directories; homes, .ssh and
     account files of valid users; nodeinit's own state;
  3. nothing is written through a symlink in another user's directory, no
     generated value becomes structure (no injected key, no changed root
     password, one key per authorized_keys line, a file written is exactly
     one entry's bytes and mode);
  4. a second run changes nothing and says so (0 done; "Nothing changed"
     after a clean run);
  5. the exit status is 0 or 1 (0 when every value is valid), never a
     signal; stdout and stderr carry no raw control character.

NODEINIT_PROPERTY_SEED varies the seed (printed on failure),
NODEINIT_PROPERTY_COUNT the number of configs (default 150, 12 when
$NODEINIT is a wrapper such as CI's valgrind one), NODEINIT_PROPERTY_ONLY=N
runs config N of the seed alone."""
import hashlib
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile

if os.geteuid() != 0:
    print("SKIP: needs root (useradd --root, files owned by other users, a private mount namespace)")
    sys.exit(77)
for tool in ("useradd", "ssh-keygen", "unshare", "mount"):
    if shutil.which(tool) is None:
        print(f"SKIP: {tool} not installed")
        sys.exit(77)

NODEINIT = os.environ["NODEINIT"]

if os.environ.get("NIT_PROPERTY_IN_NS") != "1":
    # the whole test in a private mount namespace: the host is read-only
    # there, only the work directory (a tmpfs) is writable
    work = tempfile.mkdtemp(prefix="nit-property-", dir="/tmp")
    try:
        env = dict(os.environ, NIT_PROPERTY_IN_NS="1", NIT_PROPERTY_WORK=work)
        rc = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, __file__],
                            env=env).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(rc if rc >= 0 else 1)

WORK = os.environ["NIT_PROPERTY_WORK"]


def readonly_host():
    # a tmpfs: nothing reaches the disk, fsync costs nothing, and it goes
    # with the namespace
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700,size=512m", "nit-property", WORK], check=True)
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            mp = fields[4].encode().decode("unicode_escape")
            fstype = fields[fields.index("-") + 1]
            mounts.append((mp, fstype))
    for mp, fstype in mounts:
        if mp == WORK or mp.startswith(WORK + "/") or fstype == "nsfs":
            continue
        if any(mp == d or mp.startswith(d + "/") for d in ("/proc", "/sys", "/dev")):
            continue
        r = subprocess.run(["mount", "-o", "remount,bind,ro", mp], stderr=subprocess.DEVNULL)
        if r.returncode != 0 and mp == "/":
            print("SKIP: cannot make / read-only in a private mount namespace")
            sys.exit(77)


readonly_host()
try:
    with open("/etc/nit-property-probe", "w"):
        pass
    os.unlink("/etc/nit-property-probe")
    print("SKIP: the host stayed writable in the mount namespace")
    sys.exit(77)
except OSError:
    pass

WRAPPED = False
try:
    with open(NODEINIT, "rb") as f:
        WRAPPED = f.read(2) == b"#!"
except OSError:
    pass
SEED = int(os.environ.get("NODEINIT_PROPERTY_SEED", "20261203"))
COUNT = int(os.environ.get("NODEINIT_PROPERTY_COUNT", "12" if WRAPPED else "150"))
ONLY = os.environ.get("NODEINIT_PROPERTY_ONLY")
CANARY = os.path.join(WORK, "canary")
# the host's /tmp is read-only here: valgrind (CI's wrapper) keeps its
# temporary files in $TMPDIR
os.environ["TMPDIR"] = os.path.join(WORK, "tmp")
os.mkdir(os.environ["TMPDIR"])
BOB = 1001

# ---- keys, generated once per run -------------------------------------------
keydir = os.path.join(WORK, "keys")
os.mkdir(keydir)


def keygen(name, typ):
    p = os.path.join(keydir, name)
    subprocess.run(["ssh-keygen", "-q", "-t", typ, "-N", "", "-C", f"{name}@nit", "-f", p], check=True)
    with open(p + ".pub") as f:
        return f.read().strip()


K1 = keygen("k1", "ed25519")
K2 = keygen("k2", "ed25519")
K3 = keygen("k3", "ecdsa")
# never an entry of its own: it must never reach any file in the root
INJECT = keygen("inject", "ed25519")
INJECT_BLOB = INJECT.split()[1]
EVIL_HASH = "$6$evilsalt$" + "E" * 86
VALID_KEYS = [K1, K2, K3]
HOSTILE_KEYS = [
    K1 + "\n" + INJECT,
    K2 + "\r\n" + INJECT,
    K1 + " " + K2,                                  # two keys on one line
    "ssh-ed25519 AAAAnot-base64!!",                 # broken blob
    "ssh-rsa " + K1.split()[1],                     # type does not match the blob
    "ssh-foo " + K2.split()[1],                     # unknown type
    K3 + "\x1b[2J",
    "",
    "command=\"/bin/sh\" " + K3 + "\n" + INJECT,
]
VALID_HASH = "$6$saltsalt$" + "abcdefghij./ABCDEFGHIJ0123456789" * 2 + "abcdefghij./ABCDEFGHIJ"
HOSTILE_HASHES = [
    VALID_HASH + "\nroot:" + EVIL_HASH,
    VALID_HASH + ":0:0:99999:7:::\nroot:" + EVIL_HASH,
    "$6$a:b$" + "c" * 86,
    VALID_HASH + "\r",
    "x\x1b]0;t\x07",
]
VALID_NAMES = ["alice", "carol_1", "dave-x", "_svc", "eve$", "u" * 32, "frank9"]
HOSTILE_NAMES = ["..", "../x", "a/b", ".", "", "x\ny", "x\x1b[2Jy", "u" * 33, "a$b", "Alice", "-rf", "x:y",
                 "1abc", "ünï", "bob/../root", "x y", "x\x00y"]
# a comma would make useradd --groups add the user to root's group
HOSTILE_GROUPS = ["adm,root", "root", "a\nb", "../x", "x:y", "sudo ", "nosuchgroup"]
VALID_HOSTNAMES = ["node1", "web-2.example.com"]
HOSTILE_HOSTNAMES = ["x\x1b]0;t\x07", "../etc/passwd", "h" * 70, "a\nb"]
CANARY_REL = CANARY.lstrip("/")
VALID_PATHS = ["/etc/app/conf", "/var/lib/app/state", "/opt/ünï/cødé.txt", "/srv/etc/through-root-link",
               "/etc/app2/a", "/root/app"]
HOSTILE_PATHS = [
    "/etc//app/conf", "/etc/./app/conf", "//etc/app/conf", "/etc/app/conf/", "/etc/app/../app/conf",
    "..", "/..", "/../../etc/app/conf", "etc/relative", "/", "/etc",
    "/etc/" + "l" * 300, "/etc/" + "/".join(["d" * 200] * 25) + "/f",
    "/etc/a\nb", "/etc/a\x1b[2Jb", "/etc/a\x00b",
    "/srv/out/escaped", "/srv/up/escaped", "/srv/flink", "/srv/etc/x/victim",
    "/home/bob/.ssh/authorized_keys", "/home/bob/link/planted", "/home/bob/notes",
    "/home/bob/.ssh/authorized_keys.d/x", CANARY + "/f", "/etc/passwd", "/usr/local/bin/ro",
]

# ---- the root ------------------------------------------------------------------


def write(path, text, mode=0o644, uid=0):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    os.chown(path, uid, uid)


def build_template(t, variant):
    """A Debian-like root; `variant` chooses which of bob's symlinks exists."""
    for d in ("etc/skel", "root", "home", "srv", "etc/x", "var/lib"):
        os.makedirs(os.path.join(t, d), exist_ok=True)
    write(f"{t}/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n")
    write(f"{t}/etc/group", "root:x:0:\nadm:x:4:\nsudo:x:27:\nbob:x:1001:\n")
    write(f"{t}/etc/shadow", "root:*:19000:0:99999:7:::\nbob:*:19000:0:99999:7:::\n", 0o640)
    write(f"{t}/etc/gshadow", "root:*::\nadm:*::\nsudo:*::\nbob:!::\n", 0o640)
    write(f"{t}/etc/login.defs", "UID_MIN 1000\nGID_MIN 1000\nUSERGROUPS_ENAB yes\n")
    write(f"{t}/etc/skel/.profile", "# skel\n")
    write(f"{t}/etc/x/victim", "victim\n", 0o600)
    write(f"{t}/etc/ftarget", "ftarget\n")
    # root's own symlinks in root-owned /srv: followed, but inside the root
    os.symlink(CANARY, f"{t}/srv/out")
    os.symlink("../" * 12 + CANARY_REL, f"{t}/srv/up")
    os.symlink("/etc", f"{t}/srv/etc")
    os.symlink("/etc/ftarget", f"{t}/srv/flink")
    home = f"{t}/home/bob"
    os.makedirs(home)
    write(f"{home}/notes", "bob's\n", uid=BOB)
    os.symlink("/etc/x", f"{home}/link")
    if variant == 0:
        os.symlink("/etc/x", f"{home}/.ssh")
    else:
        os.makedirs(f"{home}/.ssh")
        os.chmod(f"{home}/.ssh", 0o700)
        if variant == 1:
            os.symlink("/etc/x", f"{home}/.ssh/authorized_keys.d")
        else:
            os.symlink("/etc/x/victim", f"{home}/.ssh/authorized_keys")
    for dirpath, dirnames, filenames in os.walk(home):
        for n in dirnames + filenames:
            os.lchown(os.path.join(dirpath, n), BOB, BOB)
    os.lchown(home, BOB, BOB)


os.makedirs(f"{CANARY}/etc")
write(f"{CANARY}/f", "canary\n")
write(f"{CANARY}/etc/passwd", "canary\n")
TEMPLATES = []
for v in range(3):
    t = os.path.join(WORK, f"template{v}")
    os.mkdir(t)
    build_template(t, v)
    TEMPLATES.append(t)


def snapshot(top, prune=()):
    """path -> (type, mode, uid, gid, content hash or link target), lstat
    only; the paths in prune are left out with everything below them."""
    out = {}

    def one(p):
        st = os.lstat(p)
        if stat.S_ISREG(st.st_mode):
            with open(p, "rb") as f:
                what = hashlib.sha256(f.read()).hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            what = os.readlink(p)
        else:
            what = ""
        rel = "/" + os.path.relpath(p, top) if p != top else "/"
        out[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, what)

    one(top)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [n for n in dirnames if os.path.join(dirpath, n) not in prune]
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            if p not in prune:
                one(p)
    return out


def diff(before, after):
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


# ---- what a config intends -------------------------------------------------------


def normalize(path):
    """A write_files path as the file it names: joined onto /, "//" and "."
    collapsed, ".." clamped at /. None when it cannot name a file."""
    if "\x00" in path or path.endswith("/") or path == "":
        return None
    parts = []
    for c in path.split("/"):
        if c in ("", "."):
            continue
        if c == "..":
            if parts:
                parts.pop()
            continue
        parts.append(c)
    if not parts or path.endswith(("/.", "/..")) or path in (".", ".."):
        return None
    return "/" + "/".join(parts)


def resolve(root, path):
    """Resolve an absolute normalised path under root, following a symlink
    only in a root-owned directory. Returns (real path, final symlink or
    None), or None when a symlink in someone else's directory is in the way."""
    todo = path.strip("/").split("/")
    cur = []
    hops = 0
    while todo:
        c = todo.pop(0)
        if c == "..":
            if cur:
                cur.pop()
            continue
        if c in ("", "."):
            continue
        parent = os.path.join(root, *cur)
        here = os.path.join(parent, c)
        try:
            st = os.lstat(here)
        except OSError:
            return "/" + "/".join(cur + [c] + [x for x in todo if x not in ("", ".")]), None
        if stat.S_ISLNK(st.st_mode):
            if os.lstat(parent).st_uid != 0:
                # someone else's: never followed, at most replaced
                return (None, "/" + "/".join(cur + [c])) if not todo else None
            if not todo:
                link = "/" + "/".join(cur + [c])
                target = os.readlink(here)
                hops += 1
                if hops > 40:
                    return None
                res = resolve(root, os.path.normpath(
                    target if target.startswith("/") else "/" + "/".join(cur) + "/" + target))
                return (res[0] if res else None), link
            target = os.readlink(here)
            hops += 1
            if hops > 40:
                return None
            if target.startswith("/"):
                cur = []
            todo = target.split("/") + todo
            continue
        cur.append(c)
    return "/" + "/".join(cur), None


def valid_name(n):
    return len(n) <= 32 and re.fullmatch(r"[a-z_][a-z0-9_-]*\$?", n) is not None


class Intent:
    def __init__(self):
        self.exact = set()       # these paths, and parents created on the way
        self.trees = set()       # anything below these


def intended(cfg, root):
    it = Intent()
    it.trees |= {"/run/nodeinit", "/var/lib/coreos-cloudinit"}
    it.exact |= {"/etc/hostname", "/etc/machine-info", "/etc/environment"}
    users = {}                   # name -> homes
    for u in cfg["users"]:
        if valid_name(u["name"]):
            users.setdefault(u["name"], set()).add(u.get("homedir") or "/home/" + u["name"])
    if cfg["keys"] or cfg["meta_keys"]:
        users.setdefault("core", set()).add("/home/core")
    passwd_homes = {"root": "/root", "bob": "/home/bob"}
    for name, homes in users.items():
        if name in passwd_homes:
            homes.add(passwd_homes[name])
        it.exact |= {f"/etc/{f}{s}" for f in ("passwd", "group", "shadow", "gshadow", "subuid", "subgid")
                     for s in ("", "-")}
        it.exact |= {"/etc/.pwd.lock", "/var/log/lastlog", "/var/log/faillog", f"/var/mail/{name}",
                     f"/var/spool/mail/{name}", f"/etc/sudoers.d/90-nodeinit-{name}"}
        for h in homes:
            res = resolve(root, h)
            if res is None or res[1] is not None:
                continue
            real = res[0]
            if not os.path.lexists(root + real):
                it.trees.add(real)       # a new home: useradd's skeleton copy
                continue
            # an existing home: only its .ssh, through no one else's symlink
            ssh = resolve(root, real + "/.ssh")
            if ssh is not None and ssh[1] is None:
                it.trees.add(ssh[0])
    for wf in cfg["files"]:
        n = normalize(wf["path"])
        if n is None:
            continue
        res = resolve(root, n)
        if res is None:
            continue
        real, link = res
        if real:
            it.exact.add(real)
        if link:
            it.exact.add(link)   # the link replaced by the file is as good
    return it


def allowed(it, path, before):
    if path in it.exact or any(path == t or path.startswith(t + "/") for t in it.trees):
        return True
    # a directory created on the way to an intended path
    if path not in before:
        return any(x.startswith(path + "/") for x in it.exact | it.trees)
    return False


# ---- generation ----------------------------------------------------------------


def generate(rng):
    hostile = rng.random() < 0.7
    pick = (lambda good, bad, p=0.5: rng.choice(bad) if hostile and rng.random() < p else rng.choice(good))
    cfg = {"users": [], "files": [], "keys": [], "meta_keys": {}, "hostname": None, "meta_hostname": None,
           "source": rng.choice(["file", "configdrive"]), "template": rng.randrange(3), "valid": not hostile}
    names = rng.sample(VALID_NAMES, 3) + (["bob", "core", "root"] if hostile else [])
    for _ in range(rng.randrange(0, 4)):
        u = {"name": pick(names, HOSTILE_NAMES, 0.6)}
        if rng.random() < 0.5:
            u["passwd"] = pick([VALID_HASH], HOSTILE_HASHES)
        if rng.random() < 0.7:
            u["ssh_authorized_keys"] = [pick(VALID_KEYS, HOSTILE_KEYS) for _ in range(rng.randrange(1, 3))]
        if rng.random() < 0.3:
            u["groups"] = [pick(["sudo", "adm"], HOSTILE_GROUPS) for _ in range(rng.randrange(1, 3))]
        if hostile and rng.random() < 0.2:
            u["homedir"] = rng.choice(["/home/bob", "/srv/homes/" + u["name"].replace("\x00", ""), "/srv/out/h"])
        cfg["users"].append(u)
    for i in range(rng.randrange(0, 5)):
        p = pick(VALID_PATHS, HOSTILE_PATHS, 0.7)
        if not hostile:
            p = p + f"-{i}"      # one entry per file in a valid config
        cfg["files"].append({"path": p, "content": f"content {i} {rng.random()}\n",
                             "permissions": rng.choice(["0644", "0600", "0640", "0755"])})
    if rng.random() < 0.4:
        cfg["keys"] = [pick(VALID_KEYS, HOSTILE_KEYS) for _ in range(rng.randrange(1, 3))]
    if cfg["source"] == "configdrive":
        if rng.random() < 0.6:
            cfg["meta_keys"] = {f"k{j}": pick(VALID_KEYS, HOSTILE_KEYS) for j in range(rng.randrange(1, 3))}
        if rng.random() < 0.3:
            cfg["meta_hostname"] = pick(VALID_HOSTNAMES, HOSTILE_HOSTNAMES)
    if rng.random() < 0.3:
        cfg["hostname"] = pick(VALID_HOSTNAMES, HOSTILE_HOSTNAMES)
    return cfg


def q(s):
    # JSON's double-quoted strings are YAML's; \u0000 and ESC included
    return json.dumps(s)


def render(cfg):
    y = ["#cloud-config"]
    if cfg["hostname"] is not None:
        y.append(f"hostname: {q(cfg['hostname'])}")
    if cfg["users"]:
        y.append("users:")
        for u in cfg["users"]:
            y.append(f"  - name: {q(u['name'])}")
            for k in ("passwd", "homedir"):
                if k in u:
                    y.append(f"    {k}: {q(u[k])}")
            if "groups" in u:
                y.append("    groups: [" + ", ".join(q(g) for g in u["groups"]) + "]")
            if "ssh_authorized_keys" in u:
                y.append("    ssh_authorized_keys:")
                y += [f"      - {q(k)}" for k in u["ssh_authorized_keys"]]
    if cfg["files"]:
        y.append("write_files:")
        for f in cfg["files"]:
            y.append(f"  - path: {q(f['path'])}")
            y.append(f"    permissions: {q(f['permissions'])}")
            y.append(f"    content: {q(f['content'])}")
    if cfg["keys"]:
        y.append("ssh_authorized_keys:")
        y += [f"  - {q(k)}" for k in cfg["keys"]]
    return "\n".join(y) + "\n"


# ---- one config ------------------------------------------------------------------
CTRL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def run(root, args, tag):
    p = subprocess.run([NODEINIT, "apply", "--root", root, "--systemd=none"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check_one(i):
    rng = random.Random(f"{SEED}:{i}")
    cfg = generate(rng)
    text = render(cfg)
    case = os.path.join(WORK, f"case{i}")
    root = case + "/root"
    os.makedirs(case)
    subprocess.run(["cp", "-a", TEMPLATES[cfg["template"]], root], check=True)
    if cfg["source"] == "file":
        src = case + "/user-data"
        with open(src, "w") as f:
            f.write(text)
        args = ["--from-file=" + src]
    else:
        src = case + "/drive"
        os.makedirs(src + "/openstack/latest")
        with open(src + "/openstack/latest/user_data", "w") as f:
            f.write(text)
        meta = {"public_keys": cfg["meta_keys"]}
        if cfg["meta_hostname"] is not None:
            meta["hostname"] = cfg["meta_hostname"]
        with open(src + "/openstack/latest/meta_data.json", "w") as f:
            json.dump(meta, f)
        args = ["--from-configdrive=" + src]

    problems = []
    outputs = []
    it = intended(cfg, root)
    # outside the root: the whole work directory (canary, templates, keys,
    # the inputs), the root and valgrind's temporary files apart
    outside = (lambda: snapshot(WORK, prune={root, os.environ["TMPDIR"]}))
    outside0 = outside()
    fresh = snapshot(root)

    def judge(what, rc, out, err, clean_expected=False):
        outputs.append((what, rc, out, err))
        if rc < 0:
            problems.append(f"{what}: killed by signal {-rc}")
        elif rc == 99 and WRAPPED:
            problems.append(f"{what}: the wrapper (valgrind) found an error")
        elif rc not in (0, 1):
            problems.append(f"{what}: exit status {rc}")
        if clean_expected and rc != 0:
            problems.append(f"{what}: exit status {rc} for a config whose every value is valid")
        for name, b in (("stdout", out), ("stderr", err)):
            m = CTRL.search(b)
            if m:
                problems.append(f"{what}: raw control character {m.group()!r} on {name}")
        if b"Read-only file system" in out + err:
            problems.append(f"{what}: tried to write outside the root (EROFS)")
        now = outside()
        if now != outside0:
            problems.append(f"{what}: changed outside the root, under {WORK}: {diff(outside0, now)}")

    rc, out, err = run(root, args + ["--dry-run"], "dry-run")
    judge("dry-run", rc, out, err)
    after_dry = snapshot(root)
    if after_dry != fresh:
        problems.append(f"dry-run changed {diff(fresh, after_dry)}")

    rc1, out, err = run(root, args, "apply")
    judge("apply", rc1, out, err, cfg["valid"])
    first = snapshot(root)
    for p in diff(fresh, first):
        if not allowed(it, p, fresh):
            problems.append(f"apply changed {p!r}, which the config does not name")
    for p in ("/etc/x/victim", "/etc/ftarget"):
        if fresh.get(p) != first.get(p) and p not in it.exact:
            problems.append(f"apply wrote {p} through a symlink")
    problems.extend(content_checks(cfg, root, fresh, first))

    if fights_accounts(cfg, root):
        # write_files replaces an account file that the users step edits:
        # such a config undoes itself on every run and cannot converge
        shutil.rmtree(case)
        return report(i, cfg, text, problems, outputs)
    own = {p: v for p, v in first.items() if not p.startswith("/run/nodeinit")}
    rc2, out, err = run(root, args, "rerun")
    judge("rerun", rc2, out, err)
    second = {p: v for p, v in snapshot(root).items() if not p.startswith("/run/nodeinit")}
    if second != own:
        problems.append(f"rerun changed {diff(own, second)}")
    if rc2 != rc1:
        problems.append(f"rerun exit status {rc2}, first run {rc1}")
    summary = out.decode(errors="replace")
    if rc1 == 0 and not re.search(r"^Nothing changed", summary, re.M):
        problems.append("rerun after a clean run did not say \"Nothing changed\"")
    m = re.search(r"^Applied: (\d+) done", summary, re.M)
    if m and m.group(1) != "0":
        problems.append(f"rerun: {m.group(1)} steps done again")

    STATS["exit %d" % rc1] = STATS.get("exit %d" % rc1, 0) + 1
    if any(u["name"] == "bob" for u in cfg["users"]):
        STATS["bob's keys"] = STATS.get("bob's keys", 0) + 1
    shutil.rmtree(case)
    return report(i, cfg, text, problems, outputs)


def fights_accounts(cfg, root):
    for wf in cfg["files"]:
        n = normalize(wf["path"])
        res = resolve(root, n) if n else None
        if res and {res[0], res[1]} & {"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"}:
            return True
    return False


def report(i, cfg, text, problems, outputs):
    if problems:
        print(f"FAIL config {i} (NODEINIT_PROPERTY_SEED={SEED} NODEINIT_PROPERTY_ONLY={i}), "
              f"source {cfg['source']}, bob's symlink variant {cfg['template']}")
        print("  metadata keys: " + repr(cfg["meta_keys"]) + "  metadata hostname: " + repr(cfg["meta_hostname"]))
        for line in text.splitlines():
            print("  | " + (line if len(line) <= 240 else line[:240] + "..."))
        for p in problems:
            print("  - " + p)
        if "\\u0000" in json.dumps(cfg):
            print("  hint: a value holds a NUL byte (YAML \"\\u0000\"); a file or account named by the "
                  "text before it means the value was read only up to the NUL")
        for what, rc, o, e in outputs:
            print(f"  {what}: exit {rc}")
            for line in CTRL.sub(lambda m: b"\\x%02x" % m.group()[0], o + e).splitlines()[-25:]:
                line = line.decode(errors="backslashreplace")
                print("    " + (line if len(line) <= 240 else line[:240] + "..."))
    return not problems


def lines(path):
    with open(path, errors="surrogateescape") as f:
        return f.read().splitlines()


def content_checks(cfg, root, fresh, after):
    """The files nodeinit writes for users and keys; a write_files entry
    that names one of them replaces it, and is checked as a file instead."""
    bad = []
    targets = set()
    for wf in cfg["files"]:
        n = normalize(wf["path"])
        res = resolve(root, n) if n else None
        if res:
            targets |= {res[0], res[1]}
    # no value became structure
    for p, v in after.items():
        if v[0] != stat.S_IFREG or fresh.get(p) == v:
            continue
        with open(root + p, "rb") as f:
            data = f.read()
        if INJECT_BLOB.encode() in data:
            bad.append(f"the injected key (after a newline in a key) reached {p}")
        if b"evilsalt" in data:
            bad.append(f"the injected shadow line (after a newline or ':' in a hash) reached {p}")
    if not targets & {"/etc/passwd", "/etc/shadow"}:
        # root's password is what it was, or a whole valid hash the config
        # gives root
        hashes = {"*"} | {u["passwd"] for u in cfg["users"] if u["name"] == "root" and "passwd" in u
                          and re.fullmatch(r"[^:\s]*", u["passwd"])}
        sh = lines(root + "/etc/shadow")
        rootline = [x for x in sh if x.startswith("root:")]
        if len(rootline) != 1 or rootline[0].split(":")[1] not in hashes:
            bad.append(f"root's shadow line is now {rootline}")
        if targets.isdisjoint({"/etc/group", "/etc/gshadow"}):
            named = {g for u in cfg["users"] for g in u.get("groups", [])}
            for f, line in (("/etc/group", "root:x:0:"), ("/etc/gshadow", "root:*::")):
                if "root" not in named and line not in lines(root + f):
                    bad.append(f"{f}: root's group is now {[x for x in lines(root + f) if x.startswith('root:')]}")
        names = [x.split(":")[0] for x in lines(root + "/etc/passwd")]
        for n in names:
            if n not in ("root", "bob", "core") and not any(u["name"] == n and valid_name(n) for u in cfg["users"]):
                bad.append(f"/etc/passwd has an account {n!r} the config does not name validly")
        for x in lines(root + "/etc/passwd"):
            if len(x.split(":")) != 7:
                bad.append(f"/etc/passwd line {x!r} does not have 7 fields")
        for x in sh:
            if len(x.split(":")) != 9:
                bad.append(f"/etc/shadow line {x!r} does not have 9 fields")
    # a hostname is one line of printable text, whatever the config held
    for p in ("/etc/hostname", "/etc/machine-info"):
        if p in after and after[p] != fresh.get(p) and p not in targets and after[p][0] == stat.S_IFREG:
            with open(root + p, "rb") as f:
                data = f.read()
            if CTRL.search(data) or (p == "/etc/hostname" and data.count(b"\n") > 1):
                bad.append(f"{p} holds {data!r}")
    # every authorized_keys line is one whole entry of the config
    entries = set()
    for k in cfg["keys"] + [k for u in cfg["users"] for k in u.get("ssh_authorized_keys", [])]:
        if "\n" not in k and "\r" not in k:
            entries.add(k.strip())
    # a metadata key is its first line, as EC2's openssh-key ends with one
    entries |= {re.split("[\r\n]", k)[0].strip() for k in cfg["meta_keys"].values()}
    for p in after:
        if "/.ssh/" in p and after[p][0] == stat.S_IFREG and fresh.get(p) != after[p] and p not in targets:
            for x in lines(root + p):
                if x.strip() and not x.startswith("#") and x.strip() not in entries:
                    bad.append(f"{p}: line {x!r} is not one of the config's keys")
    # a file written is exactly one entry's bytes and mode
    by_path = {}
    for wf in cfg["files"]:
        n = normalize(wf["path"])
        res = resolve(root, n) if n else None
        if res and res[0]:
            by_path.setdefault(res[0], []).append(wf)
    for p, wfs in by_path.items():
        v = after.get(p)
        if v is None or v == fresh.get(p) or v[0] != stat.S_IFREG:
            continue
        with open(root + p, "rb") as f:
            data = f.read()
        if not any(data == wf["content"].encode() and v[1] == int(wf["permissions"], 8) for wf in wfs):
            bad.append(f"{p} is mode {v[1]:04o} with bytes {data[:40]!r}, which no entry for it asked for")
    return bad


STATS = {}


def main():
    todo = [int(ONLY)] if ONLY is not None else range(COUNT)
    failed = 0
    for i in todo:
        if not check_one(i):
            failed += 1
    print(f"{len(todo) - failed} of {len(todo)} configs hold every property (seed {SEED}; "
          + ", ".join(f"{k}: {v}" for k, v in sorted(STATS.items())) + ")")
    if failed:
        print(f"reproduce one: NODEINIT={NODEINIT} NODEINIT_PROPERTY_SEED={SEED} NODEINIT_PROPERTY_ONLY=<config> "
              f"python3 {os.path.abspath(__file__)}")
    return 1 if failed else 0


sys.exit(main())
