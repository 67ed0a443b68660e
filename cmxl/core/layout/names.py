"""Every sheet name and file-name suffix cmxl writes, in one place (a clerk sees these names; the
Excel add-in, the bulk run and the tests find sheets by them)."""

from __future__ import annotations

# the results workbook, in the order of its sheets
SUMMARY, PROFILE, STATS, DETAIL, ISSUES, DATA, INFO = (
    "汇总",
    "个人画像",
    "统计图表",
    "评分明细",
    "校验问题",
    "测评数据",
    "运行信息",
)
# where people are below standard (in the results and in the roster)
TRAINING, TRAINING_LIST = "培训需求", "培训需求名单"
# each person's change since the previous cycle (when the ledger holds one)
HISTORY = "历次对比"
# units and raters that stray from the batch (in the results with two or more units, and in the roster)
CALIBRATION = "校准分析"
# the roster of a batch
APPROVAL = "发证审批"  # the roster's first sheet: what an officer reads and signs
PASSED_SHEET, FAILED_SHEET, HELD_SHEET = "通过名单", "未通过名单", "暂缓发证"
REGIONS, EXPIRING, LOG = "地区统计", "即将到期", "处理日志"
# the blank assessment template (its data sheet is the one intake looks for first: DATA)
GUIDE, PARAMS = "填写说明", "模型参数"

RESULT_SUFFIX = "_评分结果"  # <input stem>_评分结果.xlsx beside the input, or in the bulk output folder

# the hidden sheet in which the Excel add-in records what it wrote into a clerk's workbook
REGISTRY_SHEET = "cmxl记录"

# the certificate ledger a bulk run keeps, by default in the output folder's parent (shared by batches)
LEDGER_NAME = "证书台账.sqlite"
