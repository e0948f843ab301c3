"""A real WordPress for tests, from Debian's packages: ``wordpress`` (6.1), ``wordpress-theme-twentytwentyone``,
``mariadb-server``, ``php-cli`` and ``php-mysql``.

MariaDB gets its own data directory and socket under a temporary directory (no network); WordPress is a copy of
``/usr/share/wordpress`` with a ``wp-config.php`` of our own (the database over that socket,
``WP_ENVIRONMENT_TYPE`` ``local`` so that Application Passwords work over plain http), served by ``php -S`` on a
loopback port through a router script (pretty permalinks and ``/wp-json/`` go to ``index.php``, as Apache's
``.htaccess`` would send them). It is installed through ``wp-admin/install.php`` by an HTTP POST, as a person
would; the theme, the permalink structure and an Application Password are set with WordPress's own PHP API.

``python -m tests.sites.wordpress --port 18100`` runs one until Ctrl-C and prints its URL, user and password.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORDPRESS = Path("/usr/share/wordpress")
THEME = "twentytwentyone"
PERMALINKS = "/%year%/%monthnum%/%postname%/"
USER = "admin"
#: Debian's packages and the programs or files each one brings.
PACKAGES = {"wordpress": WORDPRESS / "wp-load.php", f"wordpress-theme-{THEME}": WORDPRESS / "wp-content" / "themes" / THEME,
            "mariadb-server": "mariadbd", "php-cli": "php", "php-mysql": None}

#: WordPress's own rewrite rules for Apache (what it writes into .htaccess when pretty permalinks are saved); the
#: router reads only whether the file is there.
HTACCESS = """# BEGIN WordPress
RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
# END WordPress
"""

ROUTER = r"""<?php
// php -S router: real files are served as they are, everything else goes to WordPress's front controller
// (what the .htaccess of a pretty-permalink site does under Apache).
// every request the server is asked, as it sees it: tests count writes on the server's side too
file_put_contents(dirname(__DIR__) . '/requests.log', $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n",
                  FILE_APPEND | LOCK_EX);
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$file = __DIR__ . $path;
if ($path !== '/' && is_file($file)) {
    return false;
}
if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php') && $path !== '/') {
    if (substr($path, -1) !== '/') {
        header('Location: ' . $path . '/', true, 301);
        return true;
    }
    return false;
}
// Without the .htaccess (pretty permalinks off) Apache would answer 404 here: so does this router.
if ($path !== '/' && !is_file(__DIR__ . '/.htaccess')) {
    http_response_code(404);
    echo 'Not Found';
    return true;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
require __DIR__ . '/index.php';
"""

CONFIG = """<?php
// Written by tests/sites/wordpress.py: a throwaway WordPress on a loopback port.
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_AUTO_UPDATE_CORE', false);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);
{salts}
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""

SETUP = r"""
require getcwd() . '/wp-load.php';
switch_theme($argv[1]);
update_option('permalink_structure', $argv[2]);
update_option('timezone_string', 'UTC');
update_option('posts_per_page', 10);
update_option('default_comment_status', 'open');
update_option('comment_moderation', 0);
update_option('comment_previously_approved', 0);
update_option('uploads_use_yearmonth_folders', 1);
flush_rewrite_rules(true);
$user = get_user_by('login', $argv[3]);
list($password, $item) = WP_Application_Passwords::create_new_application_password($user->ID, array('name' => 'migrator'));
echo 'password=' . $password . "\n";
"""


class WordPressMissing(RuntimeError):
    """Some Debian package a real WordPress needs is not installed."""


def missing_packages() -> list[str]:
    """The packages of :data:`PACKAGES` not installed here (by what each one brings)."""
    missing = []
    for package, what in PACKAGES.items():
        if isinstance(what, Path):
            present = what.exists()
        elif isinstance(what, str):
            present = shutil.which(what, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin") is not None
        else:  # php-mysql: PHP's mysqli module
            php = shutil.which("php")
            present = bool(php) and "mysqli" in subprocess.run([php or "php", "-m"], capture_output=True,
                                                               text=True, timeout=30).stdout.split()
        if not present:
            missing.append(package)
    return missing


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait(condition: Any, what: str, process: subprocess.Popen[bytes] | None, log: Path | None,
          timeout: float = 120.0) -> None:
    """Wait for ``condition()``; fail with the log's tail when the process died or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not come up: {tail}")


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to a process's whole group, SIGKILL to what is left 30 seconds later."""
    for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            proc.poll()
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                proc.wait()
                return
            time.sleep(0.1)
    proc.wait(10)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@dataclass
class WordPress:
    """A running WordPress: ``url``, ``user``, ``password`` (an Application Password); ``mysql(sql)`` asks its
    database directly (to cross-check what the REST API says, or to plant edits)."""

    root: Path
    port: int = 0
    url: str = ""
    user: str = USER
    password: str = ""
    docroot: Path = field(init=False)
    socket: Path = field(init=False)
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.docroot = self.root / "wordpress"
        self.socket = self.root / "mysqld.sock"
        self.port = self.port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> WordPress:
        missing = missing_packages()
        if missing:
            raise WordPressMissing("not installed: " + ", ".join(missing) + " (.ci/run installs them)")
        self._start_mariadb()
        self._copy_wordpress()
        self._start_php()
        self._install()
        return self

    def stop(self) -> None:
        """End every process started, each in a session of its own: ``php -S`` forks its workers
        (``PHP_CLI_SERVER_WORKERS``), which outlive their parent unless their whole group is ended."""
        for proc in reversed(self._procs):
            _end_group(proc)
        self._procs.clear()

    def __enter__(self) -> WordPress:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _as_root(self) -> list[str]:
        """MariaDB refuses to run as the system's root unless told to."""
        return ["--user=root"] if os.geteuid() == 0 else []

    def _start_mariadb(self) -> None:
        data = self.root / "mysql"
        log = self.root / "mariadb.log"
        install = shutil.which("mariadb-install-db") or "mariadb-install-db"
        done = subprocess.run([install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
                               "--skip-test-db", *self._as_root()], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {done.stderr[-2000:]}")
        server = shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", ""))
        proc = subprocess.Popen([server or "mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={self.socket}",
                                 "--skip-networking", f"--pid-file={self.root / 'mariadb.pid'}", f"--log-error={log}",
                                 "--innodb-buffer-pool-size=32M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=2",
                                 *self._as_root()],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._procs.append(proc)
        _wait(lambda: self.socket.exists() and self._mysql_ok(), "MariaDB", proc, log)
        self.mysql("CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

    def _mysql_ok(self) -> bool:
        return subprocess.run(self._client() + ["-e", "SELECT 1"], capture_output=True, timeout=30).returncode == 0

    def _client(self) -> list[str]:
        return [shutil.which("mariadb") or "mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot",
                "--batch", "--skip-column-names"]

    def mysql(self, sql: str, database: str = "") -> list[list[str]]:
        """Rows of one SQL statement (tab-separated columns), run by MariaDB's own client."""
        done = subprocess.run(self._client() + ([database] if database else []) + ["-e", sql], capture_output=True,
                              text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"mariadb: {done.stderr.strip()}")
        return [line.split("\t") for line in done.stdout.splitlines()]

    def query(self, sql: str) -> list[list[str]]:
        return self.mysql(sql, "wordpress")

    def _copy_wordpress(self) -> None:
        shutil.copytree(WORDPRESS, self.docroot, symlinks=True)
        salts = "\n".join(f"define('{name}', '{os.urandom(24).hex()}');" for name in (
            "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT",
            "LOGGED_IN_SALT", "NONCE_SALT"))
        (self.docroot / "wp-config.php").write_text(CONFIG.format(socket=self.socket, url=self.url, salts=salts))
        (self.docroot / "wp-content" / "uploads").mkdir(exist_ok=True)
        (self.docroot / ".htaccess").write_text(HTACCESS)
        (self.root / "router.php").write_text(ROUTER)
        shutil.copy(self.root / "router.php", self.docroot / ".router.php")

    def _start_php(self) -> None:
        log = self.root / "php.log"
        if _listening(self.port):
            raise RuntimeError(f"port {self.port} is taken: another server listens there")
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        with log.open("wb") as out:
            proc = subprocess.Popen(["php", "-d", "upload_max_filesize=64M", "-d", "post_max_size=64M",
                                     "-d", "memory_limit=256M", "-S", f"127.0.0.1:{self.port}", "-t", str(self.docroot),
                                     str(self.docroot / ".router.php")],
                                    cwd=self.docroot, stdout=out, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)
        self._procs.append(proc)
        _wait(lambda: _listening(self.port), "php -S", proc, log)

    def _install(self) -> None:
        """``wp-admin/install.php?step=2`` as its form posts it, then the theme, permalinks and the password."""
        form = {"weblog_title": "Новый сайт", "user_name": self.user, "admin_password": "migrator-test-password",
                "admin_password2": "migrator-test-password", "pw_weak": "on", "admin_email": "admin@example.test",
                "blog_public": "0", "language": "", "Submit": "Install WordPress"}
        request = urllib.request.Request(self.url + "/wp-admin/install.php?step=2", method="POST",
                                         data=urllib.parse.urlencode(form).encode())
        with urllib.request.urlopen(request, timeout=300) as response:
            page = response.read().decode("utf-8", "replace")
        if "wp-login.php" not in page:
            raise RuntimeError(f"WordPress's install.php did not finish: {page[-1500:]}")
        self.password = self.php(SETUP, THEME, PERMALINKS, self.user).split("password=", 1)[1].strip()
        with (self.root / "installed.sql").open("wb") as out:
            subprocess.run([shutil.which("mariadb-dump") or "mariadb-dump", "--no-defaults", f"--socket={self.socket}",
                            "-uroot", "--skip-dump-date", "wordpress"], stdout=out, check=True, timeout=120)

    def reset(self) -> None:
        """Back to the site as installed (database and uploads): each test loads into a fresh WordPress."""
        with (self.root / "installed.sql").open("rb") as dump:
            subprocess.run(self._client() + ["wordpress"], stdin=dump, check=True, timeout=120)
        (self.docroot / ".htaccess").write_text(HTACCESS)
        uploads = self.docroot / "wp-content" / "uploads"
        shutil.rmtree(uploads, ignore_errors=True)
        uploads.mkdir()

    def requests(self) -> list[tuple[str, str]]:
        """(method, path and query) of every request the server was asked so far, in order, as its router logged
        them."""
        log = self.root / "requests.log"
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
        return [(method, uri) for method, _, uri in (line.partition(" ") for line in lines)]

    def writes_since(self, mark: int) -> list[tuple[str, str]]:
        """The requests after the first ``mark`` that could change something (any method but GET, HEAD, OPTIONS)."""
        return [r for r in self.requests()[mark:] if r[0] not in ("GET", "HEAD", "OPTIONS")]

    def php(self, code: str, *args: str) -> str:
        """Run PHP (``php -r``) in the docroot, where ``wp-load.php`` is; its stdout."""
        done = subprocess.run(["php", "-d", "memory_limit=256M", "-r", code, "--", *args], cwd=self.docroot,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"php failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
        return done.stdout

    def set_permalinks(self, structure: str) -> None:
        """Change the permalink structure ('' turns pretty permalinks off: ``?p=N`` and ``?rest_route=``, and
        the .htaccess rewrite goes, as on a server without mod_rewrite)."""
        htaccess = self.docroot / ".htaccess"
        if structure:
            htaccess.write_text(HTACCESS)
        else:
            htaccess.unlink(missing_ok=True)
        self.php("require getcwd() . '/wp-load.php'; update_option('permalink_structure', $argv[1]);"
                 " flush_rewrite_rules(true);", structure)


def start(root: Path | None = None, port: int = 0) -> WordPress:
    """A started WordPress under ``root`` (a new temporary directory by default); stop it with ``.stop()``."""
    return WordPress(Path(root or tempfile.mkdtemp(prefix="migrator-wp-")), port).start()


def main() -> None:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(description="Run a real WordPress (Debian's packages) until Ctrl-C.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--root", type=Path, default=None)
    args = parser.parse_args()
    with WordPress(args.root or Path(tempfile.mkdtemp(prefix="migrator-wp-")), args.port) as wp:
        print(f"{wp.url}  user {wp.user}  WORDPRESS_APP_PASSWORD='{wp.password}'  root {wp.root}", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
