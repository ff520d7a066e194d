"""The helpers of the browser tests that need no browser: how the lab server is started."""

import os
import stat
import sys
import urllib.error
from pathlib import Path

import pytest

import browser_support as bs


def server(tmp_path):
    return bs.LabServer(root_dir=tmp_path, work_dir=tmp_path / "work")


def test_token_is_in_a_private_config_file_not_on_the_command_line(tmp_path, monkeypatch):
    """The lab's token never appears in its command line (visible to every local user in
    /proc/PID/cmdline) nor in its environment; it is in a config file only its owner reads."""
    monkeypatch.setenv("JUPYTER_TOKEN", "from-the-caller")
    lab = server(tmp_path)
    (tmp_path / "work").mkdir()
    env = lab._environment()
    assert not any(lab.token in part for part in lab.command())
    assert lab.token not in "".join(env.values()) and "JUPYTER_TOKEN" not in env
    config = tmp_path / "work" / "config" / "jupyter_server_config.json"
    assert env["JUPYTER_CONFIG_DIR"] == str(config.parent)
    assert bs.json.loads(config.read_text()) == {"IdentityProvider": {"token": lab.token}}
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


@pytest.mark.slow
def test_jupyterlab_honours_the_token_from_the_config_file(tmp_path):
    """A real server started this way accepts the token, refuses requests without it, and
    shows no token in its process's command line."""
    pytest.importorskip("jupyterlab", reason="the lab server needs JupyterLab")
    lab = server(tmp_path)
    (tmp_path / "work").mkdir()
    lab.start(timeout=120)
    try:
        assert lab.api("GET", "/api/status") is not None
        lab.token, token = "wrong", lab.token
        with pytest.raises(urllib.error.HTTPError, match="403"):
            lab.api("GET", "/api/sessions")
        lab.token = token
        if sys.platform.startswith("linux"):
            process = Path(f"/proc/{lab.proc.pid}")
            assert b"jupyter" in (process / "cmdline").read_bytes()
            assert token.encode() not in (process / "cmdline").read_bytes()
            assert token.encode() not in (process / "environ").read_bytes()
        assert os.path.exists(lab.log_path)
    finally:
        lab.stop()
