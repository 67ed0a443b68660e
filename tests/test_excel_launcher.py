"""The cmxl window, driven on a virtual screen (Xvfb): buttons call their actions, progress
shows, errors are messages and never tracebacks, the model choice is remembered."""

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cmxl.addin.actions import ActionOutcome
from cmxl.core.errors import CmxlError
from tests.test_excel_actions import open_book
from tests.virtual_screen import virtual_screen

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def display():
    """A virtual screen of our own for this module's windows."""
    try:
        with virtual_screen() as name:
            yield name
    except RuntimeError as exc:
        pytest.fail(str(exc))


class FakeDialogs:
    def __init__(self, folder="", save_as="", model_file=""):
        self.errors, self._folder, self._save_as, self._model = [], folder, save_as, model_file

    def error(self, message):
        self.errors.append(message)

    def folder(self):
        return self._folder

    def save_as(self, default):
        self.default = default
        return self._save_as

    def model_file(self):
        return self._model


class FakeDesk:
    """Records what the window asks for; reports progress as the real actions do."""

    name = "陕西_2026.xlsx"

    def __init__(self, fail=None):
        self.calls, self.fail, self.seen = [], fail, []
        self.launcher = None

    def _step(self, kind, framework, progress):
        self.calls.append((kind, framework))
        if self.fail:
            raise self.fail
        progress("正在校验和评分…", 0.3)
        self.seen.append(float(self.launcher.bar["value"]))
        progress("完成", 1.0)
        return ActionOutcome(48, 9, 6, f"{kind}：48 人，9 个错误，6 个警告。")

    def validate(self, framework, progress, schemes=()):
        self.schemes = list(schemes)
        return self._step("validate", framework, progress)

    def score(self, framework, progress, schemes=()):
        self.schemes = list(schemes)
        return self._step("score", framework, progress)

    def report(self, target, framework, schemes=()):
        self.calls.append(("report", target, framework))
        return target

    def bulk(self, folder, framework, on_file, schemes=()):
        self.schemes = list(schemes)
        self.calls.append(("bulk", folder, framework))
        for n in range(3):
            time.sleep(0.05)
            on_file(SimpleNamespace(log=SimpleNamespace(file=f"地市{n}.xlsx")), 3)
        log = SimpleNamespace(status="成功", file="a.xlsx", reason="")
        return SimpleNamespace(
            logs=[log] * 3, failed=[], people=300, applied=200, passed=120, roster=Path("/名单/认证名单.xlsx")
        )

    def template(self, target, framework):
        self.calls.append(("template", target, framework))
        return target

    def open(self, path):
        self.calls.append(("open", path))


@pytest.fixture
def prefs_file(tmp_path, monkeypatch):
    path = tmp_path / "settings.json"
    monkeypatch.setenv("CMXL_SETTINGS", str(path))
    return path


def window(bench, dialogs):
    from cmxl.addin.launcher import open_launcher

    launcher = open_launcher(None, desk=bench, dialogs=dialogs)
    bench.launcher = launcher
    launcher.root.update()
    return launcher


def pump_until(launcher, done, seconds=10):
    seen = []
    deadline = time.time() + seconds
    while not done() and time.time() < deadline:
        launcher.root.update()
        seen.append(float(launcher.bar["value"]))
        time.sleep(0.01)
    return seen


def text_of(launcher):
    return launcher.result.get("1.0", "end").strip()


def test_each_button_does_its_action_with_the_chosen_model(display, prefs_file, tmp_path):
    bench = FakeDesk()
    launcher = window(bench, FakeDialogs(folder=str(tmp_path), save_as=str(tmp_path / "模板.xlsx")))
    try:
        assert launcher.root.title() == "cmxl 能力测评 — 陕西_2026.xlsx"
        launcher.buttons["validate"].invoke()
        assert bench.calls[-1] == ("validate", "cm18") and bench.seen == [30.0]  # the bar moved while it ran
        assert float(launcher.bar["value"]) == 100 and "9 个错误" in text_of(launcher)
        launcher.buttons["score"].invoke()
        assert bench.calls[-1] == ("score", "cm18")
        launcher.buttons["template"].invoke()
        assert bench.calls[-1] == ("template", tmp_path / "模板.xlsx", "cm18")
        assert launcher.dialogs.default == "测评模板_cm18.xlsx"
        launcher.buttons["report"].invoke()
        assert bench.calls[-1] == ("report", tmp_path / "模板.xlsx", "cm18")  # the path the dialog answered
        assert launcher.dialogs.default == "陕西_2026_个人报告.docx" and "个人报告" in text_of(launcher)

        launcher.buttons["bulk"].invoke()
        seen = pump_until(launcher, lambda: ("open", Path("/名单/认证名单.xlsx")) in bench.calls)
        assert bench.calls[-2] == ("bulk", tmp_path, "cm18")
        assert 0 < min(v for v in seen if v) < 100 and seen[-1] == 100  # progress per file, then whole
        assert "通过 120 人" in text_of(launcher)
        assert str(launcher.buttons["validate"]["state"]) == "normal"  # usable again afterwards
    finally:
        launcher.root.destroy()


def test_an_error_is_a_message_never_a_traceback(display, prefs_file):
    bench = FakeDesk(fail=CmxlError("工作簿中已有名为“汇总”的工作表，它不是 cmxl 生成的"))
    dialogs = FakeDialogs()
    launcher = window(bench, dialogs)
    try:
        launcher.buttons["score"].invoke()
        assert dialogs.errors == ["工作簿中已有名为“汇总”的工作表，它不是 cmxl 生成的"]

        bench.fail = KeyError("员工编号")
        launcher.buttons["validate"].invoke()
        message = dialogs.errors[-1]
        assert (
            "出现意外错误（KeyError）" in message
            and "Traceback" not in message
            and "Traceback" not in text_of(launcher)
        )
        log = prefs_file.with_name("cmxl-错误日志.txt")
        assert "Traceback" in log.read_text(encoding="utf-8") and str(log) in message  # details for support
        assert str(launcher.buttons["score"]["state"]) == "normal"
    finally:
        launcher.root.destroy()


def test_the_model_choice_is_remembered_and_a_bad_file_refused(display, prefs_file, tmp_path):
    bad = tmp_path / "坏模型.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    dialogs = FakeDialogs(model_file=str(bad))
    launcher = window(FakeDesk(), dialogs)
    try:
        labels = list(launcher.model["values"])
        launcher.model.set(next(v for v in labels if v.startswith("cm11")))
        launcher.model.event_generate("<<ComboboxSelected>>")
        launcher.root.update()
        assert launcher.framework == "cm11"
        launcher.model.set("总部下发的模型文件…")
        launcher.model.event_generate("<<ComboboxSelected>>")
        launcher.root.update()
        assert dialogs.errors and "坏模型.toml" in dialogs.errors[-1]
        assert launcher.framework == "cm11"  # unchanged
    finally:
        launcher.root.destroy()
    again = window(FakeDesk(), FakeDialogs())
    try:
        assert again.framework == "cm11"  # remembered for this user
    finally:
        again.root.destroy()


def test_hq_scheme_chosen_in_the_window_is_used_and_remembered(display, prefs_file, tmp_path):
    from tests.test_hq_schemes import hq_scheme

    hq = hq_scheme(tmp_path)
    desk = FakeDesk()
    launcher = window(desk, FakeDialogs(model_file=str(hq)))
    try:
        launcher.model.set("总部下发的模型文件…")
        launcher.model.event_generate("<<ComboboxSelected>>")
        launcher.root.update()
        assert "已使用总部认证方案" in launcher.status.get() and "cm-cert" in launcher.status.get()
        assert launcher.framework == "cm18"  # the model is unchanged: a scheme goes with any model
        launcher.buttons["validate"].invoke()
        assert desk.schemes == [str(hq)]
    finally:
        launcher.root.destroy()
    again = window(FakeDesk(), FakeDialogs())
    try:
        assert again.prefs.schemes == [str(hq)]  # remembered for this user
    finally:
        again.root.destroy()


def test_validate_from_the_window_writes_into_the_open_workbook(display, prefs_file):
    from cmxl.addin.launcher import ExcelDesk

    book = open_book()
    launcher = window(ExcelDesk(book), FakeDialogs())
    try:
        launcher.buttons["validate"].invoke()
        assert "校验问题" in [s.name for s in book.sheets]
        assert "10 个错误" in text_of(launcher) and launcher.status.get().startswith("完成")
    finally:
        launcher.root.destroy()


def test_the_window_as_a_clerk_sees_it(display, prefs_file, tmp_path):
    from PIL import ImageGrab

    launcher = window(FakeDesk(), FakeDialogs())
    try:
        launcher.buttons["validate"].invoke()
        launcher.root.update()
        time.sleep(0.2)
        launcher.root.update()
        r = launcher.root
        box = (r.winfo_rootx(), r.winfo_rooty(), r.winfo_rootx() + r.winfo_width(), r.winfo_rooty() + r.winfo_height())
        shot = ImageGrab.grab(bbox=box, xdisplay=display)
        shot.save(os.environ.get("CMXL_SCREENSHOT", tmp_path / "launcher.png"))
        assert shot.width > 300 and len(shot.getcolors(maxcolors=1 << 20)) > 20  # drawn: text and buttons
    finally:
        launcher.root.destroy()


def test_the_self_test_button_lists_what_to_fix(display, prefs_file):
    launcher = window(FakeDesk(), FakeDialogs())
    try:
        launcher.buttons["check"].invoke()
        shown = text_of(launcher)
        # this machine has no Excel and no add-in installed: both said, each with what to do
        assert shown.startswith("发现问题，请按“处理”操作：")
        assert "[问题] 加载项：没有找到已安装的 cmxl.xlam" in shown and "处理：在命令行运行 cmxl addin install" in shown
        assert "校验：只检查填写的数据" in str(launcher.root.winfo_children()[0].grid_slaves(row=3)[0]["text"])
    finally:
        launcher.root.destroy()
