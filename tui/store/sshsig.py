"""SSH signatures over sign-off records (FORMAT.md §5), through `ssh-keygen -Y`.

A signature cannot cover the file that holds it, so it covers a canonical
message built from the sign-off record: `message(digest, decision, user, at)`.

`ssh-keygen` is run with no terminal (new session, stdin closed) and
`SSH_ASKPASS_REQUIRE=never`, so a passphrase-protected key that is not in
ssh-agent fails at once with a clear message instead of waiting for a
passphrase nobody can type. Every call has a timeout. Nothing here raises
anything but SignatureError (sign) or returns (ok, reason) (verify).
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import signal
import subprocess
import tempfile

from tui.core.inert import inert
from tui.core.readfile import Unreadable, check_regular, read_regular

NAMESPACE = "nianbao-signoff"
TIMEOUT = 20  # seconds; signing through an agent on a smartcard can be slow
SIGNERS_LIMIT = 4 * 1024 * 1024  # an allowed_signers file is one line per key
KEY_LIMIT = 1024 * 1024  # an SSH key file is a few KB
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"


class SignatureError(Exception):
    """Signing failed; the message is Chinese and meant for the user."""


def message(digest: str, decision: str, user: str, at: datetime.datetime | str) -> str:
    """The canonical UTF-8 text a sign-off signature covers (FORMAT.md §5)."""
    if isinstance(at, (datetime.date, datetime.time)):
        at = at.isoformat()
    return f"nianbao-signoff v1\ndigest: {digest}\ndecision: {decision}\nuser: {user}\nat: {at}\n"


def normalize_signature(text: str) -> str:
    """The armored signature with LF line ends (ssh-keygen rejects CR) and one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text + "\n"


def find_ssh_keygen() -> str | None:
    return shutil.which("ssh-keygen")


def _env():
    env = dict(os.environ)
    env["SSH_ASKPASS_REQUIRE"] = "never"
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["LC_ALL"] = "C"  # English diagnostics, which we translate
    return env


def _kill_group(proc):
    """Kill ssh-keygen and everything it started (its own session and
    process group, start_new_session), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


def _run(argv, input_bytes=None):
    """Run ssh-keygen detached from any terminal. Returns (rc, stdout, stderr)
    text. On a timeout its whole process group is killed (a helper it
    started, e.g. an askpass or a hardware-key prompt, must not outlive it)."""
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input_bytes is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                                start_new_session=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in an argument
        raise SignatureError(f"无法运行 ssh-keygen：{inert(getattr(exc, 'strerror', None) or exc)}") from None
    try:
        out, err = proc.communicate(input_bytes, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise SignatureError(f"ssh-keygen 在 {TIMEOUT} 秒内没有完成（可能在等待口令或硬件密钥确认），已放弃") from None
    except BaseException:
        _kill_group(proc)
        raise
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def _missing():
    return "找不到 ssh-keygen 程序（需要安装 OpenSSH 客户端并放在 PATH 中）"


def _last_line(text):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _sign_failure(key_path, err):
    low = err.lower()
    if "passphrase" in low:
        return (f"密钥 {key_path} 有口令保护，而 ssh-agent 中没有这把密钥；"
                f"请先运行 ssh-add {key_path}，再签核")
    if "couldn't load public key" in low or "no such file" in low:
        return f"无法读取密钥 {key_path}（文件不存在，或不是 SSH 密钥，也没有对应的 .pub 公钥文件）"
    if "permission denied" in low:
        return f"没有读取密钥 {key_path} 的权限"
    if "invalid format" in low or "error in libcrypto" in low:
        return f"{key_path} 不是可用的 SSH 私钥"
    if "agent" in low:
        return f"通过 ssh-agent 签名失败（{_last_line(err)}）"
    return f"用密钥 {key_path} 签名失败（ssh-keygen：{_last_line(err) or '无输出'}）"


def sign(text: str, key_path: str | os.PathLike[str]) -> str:
    """Sign `text` with `key_path` (a private key, or a public key whose private half is
    in ssh-agent). Returns the armored signature (LF line ends, final newline)."""
    exe = find_ssh_keygen()
    if exe is None:
        raise SignatureError(_missing())
    key_path = os.path.expanduser(os.fspath(key_path))
    if not os.path.exists(key_path):
        raise SignatureError(f"密钥文件 {key_path} 不存在")
    if os.path.isdir(key_path):
        raise SignatureError(f"{key_path} 是文件夹，不是密钥文件")
    if not os.access(key_path, os.R_OK):
        raise SignatureError(f"没有读取密钥 {key_path} 的权限")
    try:
        check_regular(key_path, KEY_LIMIT)  # a FIFO or device would hang ssh-keygen
    except Unreadable as exc:
        raise SignatureError(f"密钥 {inert(key_path)} 无法使用：{exc.reason}") from None
    with tempfile.TemporaryDirectory(prefix="nianbao-sign-") as tmp:
        msg_path = os.path.join(tmp, "message")
        with open(msg_path, "wb") as fh:
            fh.write(text.encode("utf-8"))
        rc, _out, err = _run([exe, "-Y", "sign", "-n", NAMESPACE, "-f", key_path, msg_path])
        sig_path = msg_path + ".sig"
        if rc != 0 or not os.path.exists(sig_path):
            raise SignatureError(_sign_failure(key_path, err))
        with open(sig_path, "rb") as fh:
            armored = fh.read().decode("ascii", "replace")
    if ARMOR_BEGIN not in armored or ARMOR_END not in armored:
        raise SignatureError("ssh-keygen 生成的签名格式异常")
    return normalize_signature(armored)


def verify(text: str, signature: str, allowed_signers: str | os.PathLike[str], identity: str) -> tuple[bool, str]:
    """Check `signature` over `text` for `identity` against an allowed_signers file.

    Returns (True, description) or (False, Chinese reason). Never raises.
    """
    exe = find_ssh_keygen()
    if exe is None:
        return False, _missing()
    allowed_signers = os.path.expanduser(os.fspath(allowed_signers))
    if not isinstance(signature, str) or ARMOR_BEGIN not in signature:
        return False, "签核记录中的签名不是 SSH 签名"
    if not isinstance(identity, str) or not identity.strip():
        return False, "签核记录没有登录名（user），无法核对签名人"
    if "\x00" in identity or identity.startswith("-"):  # argv cannot carry NUL; "-…" reads as an option
        return False, f"签核记录中的登录名 {inert(identity)} 不是有效的登录名，无法核对签名人"
    try:
        # A private copy for ssh-keygen: the named file is read once, as a
        # regular file of bounded size (a FIFO or device would hang it).
        signers_bytes, _ = read_regular(allowed_signers, SIGNERS_LIMIT)
    except Unreadable as exc:
        return False, f"签名人名单 {inert(allowed_signers)} 无法读取：{exc.reason}"
    data = text.encode("utf-8")
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-verify-") as tmp:
            copy = os.path.join(tmp, "allowed_signers")
            with open(copy, "wb") as fh:
                fh.write(signers_bytes)
            sig_path = os.path.join(tmp, "signature.sig")
            with open(sig_path, "w", encoding="ascii", errors="replace", newline="\n") as fh:
                fh.write(normalize_signature(signature))
            rc, out, err = _run([exe, "-Y", "verify", "-f", copy, "-I", identity,
                                 "-n", NAMESPACE, "-s", sig_path], data)
            if rc == 0:
                m = re.search(r"with (\S+) key (\S+)", out)
                return True, f"签名有效（{m.group(1)} 密钥 {m.group(2)}）" if m else "签名有效"
            return False, _diagnose(exe, sig_path, data, copy, identity, err, inert(allowed_signers))
    except SignatureError as exc:
        return False, str(exc)
    except OSError as exc:
        return False, f"无法核验签名：{exc.strerror or exc}"


def _diagnose(exe, sig_path, data, allowed_signers, identity, err, shown):
    """Why did verify fail? One or two more ssh-keygen calls, only on failure."""
    low = err.lower()
    if "couldn't parse signature" in low or "sshsig_armor" in low:
        return "签名已损坏，无法解析"
    if "namespace" in low:
        return "签名不是为 nianbao 签核所做（命名空间不符）"
    if "allowed keys file" in low:
        return f"签名人名单 {shown} 无法读取"
    if "incorrect signature" in low:
        return "签名与签核记录不符（记录或签名已被改动）"
    rc, _out, _err = _run([exe, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", sig_path], data)
    if rc != 0:
        return "签名与签核记录不符（记录或签名已被改动）"
    rc, out, _err = _run([exe, "-Y", "find-principals", "-f", allowed_signers, "-s", sig_path])
    principals = [p.strip() for p in out.splitlines() if p.strip()] if rc == 0 else []
    if not principals:
        return f"签名密钥不在签名人名单 {shown} 中"
    return f"签名密钥在名单中属于 {inert('、'.join(principals))}，不是签核记录中的用户 {inert(identity)}"
