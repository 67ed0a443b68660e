"""The cmxl window: what the ribbon button opens on the active workbook.

The add-in's one VBA callback runs `import cmxl; cmxl.main()` (cmxl/addin/package.py), which
calls `run_from_excel()`; the optional native ribbon calls `run_action(tag)` for one button.
Excel waits while this window is open, and every call into Excel is made from this window's
thread (COM objects belong to the thread that made them): validate and score run on it, with
the bar and text repainted between steps; a bulk run, which does not touch Excel, runs on
a worker thread, and only opening the roster at the end comes back here.

A clerk never sees a traceback: a CmxlError is its Chinese message in a message box, and an
unexpected error is a message saying where its details were written (settings.log_path())."""

from __future__ import annotations

import datetime as dt
import queue
import sys
import threading
import tkinter as tk
import tkinter.font as tkfont
import traceback
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from typing import Any, Protocol

from cmxl import api
from cmxl.addin import actions
from cmxl.addin.settings import Prefs, log_path
from cmxl.api.errors import CmxlError

TITLE = "cmxl 能力测评"
ACTIONS = ("validate", "score", "report", "bulk", "template", "framework", "check")  # the native ribbon's button tags
OTHER_MODEL = "总部下发的模型文件…"
COLUMNS = 6  # the window's grid: one column per action button
WHAT_THEY_DO = (
    "校验：只检查填写的数据，问题列在“校验问题”表，出问题的单元格标色。\n"
    "评分：先校验，再写入汇总、个人画像、统计图表等结果表。两者都不改动您填写的数据。"
)
FONTS = ("Microsoft YaHei", "Noto Sans CJK SC", "PingFang SC", "WenQuanYi Zen Hei")


class Desk(Protocol):
    """What the window does, bound to one open workbook (ExcelDesk; a fake in tests)."""

    name: str

    def validate(
        self, framework: str | None, progress: actions.Progress, schemes: list[str] = ...
    ) -> actions.ActionOutcome: ...
    def score(
        self, framework: str | None, progress: actions.Progress, schemes: list[str] = ...
    ) -> actions.ActionOutcome: ...
    def bulk(self, folder: Path, framework: str | None, on_file: Any, schemes: list[str] = ...) -> Any: ...
    def template(self, target: Path, framework: str | None) -> Path: ...
    def report(self, target: Path, framework: str | None, schemes: list[str] = ...) -> Path: ...
    def open(self, path: Path) -> None: ...


class ExcelDesk:
    def __init__(self, book: Any, native: Any = None):
        self.book, self.name = book, book.name
        if native is None and sys.platform == "win32":
            from cmxl.excel.native import WindowsExcel

            native = WindowsExcel()
        self.native = native

    def validate(
        self,
        framework: str | None,
        progress: actions.Progress,
        schemes: list[str] = [],  # noqa: B006
    ) -> actions.ActionOutcome:
        return actions.validate(self.book, framework, native=self.native, progress=progress, schemes=schemes)

    def score(
        self,
        framework: str | None,
        progress: actions.Progress,
        schemes: list[str] = [],  # noqa: B006
    ) -> actions.ActionOutcome:
        return actions.score(self.book, framework, native=self.native, progress=progress, schemes=schemes)

    def bulk(self, folder: Path, framework: str | None, on_file: Any, schemes: list[str] = []) -> Any:  # noqa: B006
        return api.bulk(folder, issue_date=dt.date.today(), framework=framework, schemes=schemes, on_file=on_file)

    def template(self, target: Path, framework: str | None) -> Path:
        return actions.new_template(self.book.app, target, framework)

    def report(
        self,
        target: Path,
        framework: str | None,
        schemes: list[str] = [],  # noqa: B006
        ledger: Path | None = None,  # the certificate ledger: each page shows the person's previous cycle
    ) -> Path:
        return actions.person_reports(self.book, target, framework, schemes=schemes, ledger=ledger)

    def open(self, path: Path) -> None:
        self.book.app.books.open(str(path))


def _scheme_id(path: str) -> str:
    try:
        return api.model_info(path).id
    except CmxlError:
        return ""  # a file gone or broken since: replaced by the new one


class Dialogs:
    """Tk's standard dialogs (replaced in tests: they wait for a person)."""

    def __init__(self, root: tk.Misc):
        self.root = root

    def error(self, message: str) -> None:
        messagebox.showerror(TITLE, message, parent=self.root)

    def folder(self) -> str:
        return filedialog.askdirectory(parent=self.root, title="选择地市工作簿所在的文件夹")

    def save_as(self, default: str) -> str:
        word = default.endswith(".docx")
        return filedialog.asksaveasfilename(
            parent=self.root, title="保存个人报告" if word else "保存测评模板", initialfile=default,
            defaultextension=".docx" if word else ".xlsx",
            filetypes=[("Word 文档", "*.docx")] if word else [("Excel 工作簿", "*.xlsx")],
        )  # fmt: skip

    def model_file(self) -> str:
        return filedialog.askopenfilename(
            parent=self.root, title="选择总部下发的模型文件", filetypes=[("模型文件", "*.toml")]
        )


class Launcher:
    def __init__(self, root: tk.Tk, desk: Desk, dialogs: Any, prefs: Prefs):
        self.root, self.desk, self.dialogs, self.prefs = root, desk, dialogs, prefs
        self.models = {f"{f.id}  {f.name}（版本 {f.version}）": f.id for f in api.frameworks() if f.is_framework}
        self._build()
        self._show_model()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = self.root
        root.title(f"{TITLE} — {self.desk.name}")
        family = next((f for f in FONTS if f in tkfont.families(root)), None)
        if family:
            for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont"):
                tkfont.nametofont(name, root).configure(family=family, size=10)
        frame = ttk.Frame(root, padding=14)
        frame.grid(sticky="nsew")
        ttk.Label(frame, text=f"工作簿：{self.desk.name}", font=(family, 11, "bold")).grid(
            row=0, column=0, columnspan=COLUMNS, sticky="w"
        )
        ttk.Label(frame, text="能力模型：").grid(row=1, column=0, sticky="w", pady=(10, 4))
        self.model = ttk.Combobox(frame, state="readonly", width=46, values=[*self.models, OTHER_MODEL])
        self.model.grid(row=1, column=1, columnspan=COLUMNS - 1, sticky="we", pady=(10, 4))
        self.model.bind("<<ComboboxSelected>>", lambda _e: self._choose_model())
        self.buttons = {
            "validate": ttk.Button(frame, text="校验", command=lambda: self.run("validate")),
            "score": ttk.Button(frame, text="评分", command=lambda: self.run("score")),
            "bulk": ttk.Button(frame, text="批量处理…", command=lambda: self.run("bulk")),
            "report": ttk.Button(frame, text="个人报告…", command=lambda: self.run("report")),
            "template": ttk.Button(frame, text="新建测评模板", command=lambda: self.run("template")),
            "check": ttk.Button(frame, text="自检", command=lambda: self.run("check")),
        }
        for col, button in enumerate(self.buttons.values()):
            button.grid(row=2, column=col, sticky="we", padx=3, pady=10, ipady=6)
        ttk.Label(frame, text=WHAT_THEY_DO, wraplength=560, justify="left", foreground="#555555").grid(
            row=3, column=0, columnspan=COLUMNS, sticky="w", pady=(0, 8)
        )
        self.status = tk.StringVar(value="请选择要做的事。")
        self.bar = ttk.Progressbar(frame, length=420, maximum=100)
        self.bar.grid(row=4, column=0, columnspan=COLUMNS, sticky="we")
        ttk.Label(frame, textvariable=self.status).grid(row=5, column=0, columnspan=COLUMNS, sticky="w", pady=(4, 8))
        self.result = tk.Text(frame, height=8, width=64, wrap="char", relief="flat", background="#F3F3F3")
        if family:  # Text uses the fixed-width font otherwise, which has no Chinese: awkward breaks
            self.result.configure(font=(family, 10))
        self.result.grid(row=6, column=0, columnspan=COLUMNS, sticky="nsew")
        self.result.configure(state="disabled")
        self.close = ttk.Button(frame, text="关闭", command=root.destroy)
        self.close.grid(row=7, column=COLUMNS - 1, sticky="e", pady=(10, 0))
        for col in range(COLUMNS):
            frame.columnconfigure(col, weight=1)

    def _show_model(self) -> None:
        chosen = self.prefs.framework or api.framework_info().id  # none chosen: the tool's default
        label = next((k for k, v in self.models.items() if v == chosen), None)
        if label is None:  # HQ's file
            label = f"文件：{chosen}"
            self.model.configure(values=[*self.models, label, OTHER_MODEL])
        self.model.set(label)

    # ---- actions --------------------------------------------------------------------------------
    @property
    def framework(self) -> str | None:
        label = self.model.get()
        return label.removeprefix("文件：") if label.startswith("文件：") else self.models.get(label)

    def run(self, action: str) -> None:
        if action not in ACTIONS:
            self._fail(f"没有这个功能：{action}")
            return
        {
            "validate": lambda: self._in_workbook("validate"),
            "score": lambda: self._in_workbook("score"),
            "bulk": self._bulk,
            "report": self._report,
            "template": self._template,
            "framework": self._focus_model,
            "check": self._check,
        }[action]()

    def _in_workbook(self, kind: str) -> None:
        self._busy(True)
        try:
            outcome = getattr(self.desk, kind)(self.framework, self._progress, schemes=self.prefs.schemes)
            self._say(outcome.summary)
            self.status.set("完成。可以关闭本窗口回到 Excel。")
        except Exception as exc:
            self._handle(exc)
        finally:
            self._busy(False)

    def _bulk(self) -> None:
        folder = self.dialogs.folder()
        if not folder:
            return
        self._busy(True)
        events: queue.Queue = queue.Queue()
        framework, schemes = self.framework, list(self.prefs.schemes)  # read here: Tk only from its own thread

        def work() -> None:
            try:
                result = self.desk.bulk(
                    Path(folder), framework, lambda o, total: events.put(("file", o, total)), schemes=schemes
                )
                events.put(("done", result))
            except Exception as exc:  # reported on the window's thread
                events.put(("failed", exc, traceback.format_exc()))

        threading.Thread(target=work, daemon=True).start()
        self._progress("正在批量处理…", 0.0)
        self.root.after(100, self._poll, events, 0)

    def _poll(self, events: queue.Queue, done: int) -> None:
        while True:
            try:
                event = events.get_nowait()
            except queue.Empty:
                self.root.after(100, self._poll, events, done)
                return
            if event[0] == "file":
                done += 1
                self._progress(f"已处理 {done}/{event[2]} 个文件：{event[1].log.file}", done / max(event[2], 1))
            elif event[0] == "done":
                self._bulk_done(event[1])
                return
            else:
                self._handle(event[1], event[2])
                self._busy(False)
                return

    def _bulk_done(self, result: Any) -> None:
        failed = result.failed
        lines = [
            f"{len(result.logs)} 个文件，{result.people} 人；申报认证 {result.applied} 人，通过 {result.passed} 人。",
            f"认证名单：{result.roster}",
        ]
        lines += [f"失败：{g.file}（{g.reason}）" for g in failed]
        self._say("\n".join(lines))
        self.status.set("完成，认证名单已在 Excel 中打开。")
        try:
            self.desk.open(result.roster)
        except Exception as exc:
            self._handle(exc)
        self._busy(False)

    def _template(self) -> None:
        fw = self.framework
        target = self.dialogs.save_as(f"测评模板_{fw if fw in self.models.values() else '总部模型'}.xlsx")
        if not target:
            return
        self._busy(True)
        try:
            path = self.desk.template(Path(target), fw)
            self._say(f"已生成并打开测评模板：{path}")
            self.status.set("完成。")
        except Exception as exc:
            self._handle(exc)
        finally:
            self._busy(False)

    def _report(self) -> None:
        default = Path(self.desk.name).stem + "_个人报告.docx"
        target = self.dialogs.save_as(default)
        if not target:
            return
        self._busy(True)
        try:
            path = self.desk.report(Path(target), self.framework, schemes=list(self.prefs.schemes))
            self._say(f"已生成个人报告（每人一页）：{path}")
            self.status.set("完成。")
        except Exception as exc:
            self._handle(exc)
        finally:
            self._busy(False)

    def _check(self) -> None:
        try:
            found, problem = api.check_addin()
        except Exception as exc:
            self._handle(exc)
            return
        head = "发现问题，请按“处理”操作：" if problem else "没有发现会妨碍使用的问题。"
        self._say("\n".join([head, *(f.line() for f in found)]))
        self.status.set("自检完成。")

    def _focus_model(self) -> None:
        self.model.focus_set()
        self.status.set("在上面的列表中选择能力模型；选择会被记住。")

    def _choose_model(self) -> None:
        if self.model.get() == OTHER_MODEL:
            path = self.dialogs.model_file()
            if not path:
                self._show_model()
                return
            try:
                model = api.model_info(path)  # a file that cannot be used is said now, not at scoring
            except CmxlError as exc:
                self._fail(exc.message)
                self._show_model()
                return
            if not model.is_framework:  # HQ's certification rules, used with whichever model is chosen
                kept = [s for s in self.prefs.schemes if _scheme_id(s) != model.id]
                self.prefs.schemes = [*kept, path]
                self.prefs.save()
                self._show_model()
                self.status.set(f"已使用总部认证方案：{model.name}（{model.id} 版本 {model.version}）")
                return
            self.prefs.framework = path
        else:
            self.prefs.framework = self.framework
        self.prefs.save()
        self._show_model()
        self.status.set(f"已选择能力模型：{self.model.get()}")

    # ---- feedback -------------------------------------------------------------------------------
    def _progress(self, text: str, fraction: float) -> None:
        self.status.set(text)
        self.bar["value"] = round(fraction * 100)
        self.root.update_idletasks()  # repaint only: no clicks are handled while Excel is being written

    def _say(self, text: str) -> None:
        self.result.configure(state="normal")
        self.result.delete("1.0", "end")
        self.result.insert("1.0", text)
        self.result.configure(state="disabled")

    def _busy(self, busy: bool) -> None:
        for button in [*self.buttons.values(), self.close]:
            button.configure(state="disabled" if busy else "normal")
        self.model.configure(state="disabled" if busy else "readonly")
        self.root.configure(cursor="watch" if busy else "")
        self.root.update_idletasks()

    def _handle(self, exc: BaseException, details: str | None = None) -> None:
        if isinstance(exc, CmxlError):
            self._fail(exc.message)
            return
        log = log_path()
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as f:
                f.write(f"\n[{dt.datetime.now():%Y-%m-%d %H:%M:%S}]\n{details or traceback.format_exc()}")
            where = f"详细信息已写入 {log}，请把该文件发给技术支持。"
        except OSError:
            where = "请联系技术支持。"
        self._fail(f"出现意外错误（{type(exc).__name__}）。Excel 中的数据没有改动。{where}")

    def _fail(self, message: str) -> None:
        self.status.set("未完成。")
        self._say(message)
        self.dialogs.error(message)


def open_launcher(book: Any, root: tk.Tk | None = None, dialogs: Any = None, desk: Desk | None = None) -> Launcher:
    root = root or tk.Tk()
    launcher = Launcher(root, desk or ExcelDesk(book), dialogs or Dialogs(root), Prefs.load())
    root.lift()
    root.attributes("-topmost", True)  # in front of Excel, which is waiting for it
    root.after(600, lambda: root.attributes("-topmost", False))
    return launcher


def run_from_excel() -> None:
    """The ribbon button: the window, on the workbook that was active when it was pressed."""
    import xlwings as xw

    open_launcher(xw.Book.caller()).root.mainloop()


def run_action(tag: str) -> None:
    """A button of the native ribbon: the window, doing that one thing at once."""
    import xlwings as xw

    launcher = open_launcher(xw.Book.caller())
    launcher.root.after(200, launcher.run, tag)
    launcher.root.mainloop()
