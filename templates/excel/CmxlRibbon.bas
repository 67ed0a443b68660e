Attribute VB_Name = "CmxlRibbon"
' cmxl: the dispatcher of the native ribbon (templates/excel/customUI_native.xml).
' Every button calls OnAction; its tag names the action, and Python does the work.
' RunPython is xlwings' own, in the add-in's xlwings module.
Option Explicit

Sub OnAction(control As IRibbonControl)
    RunPython "import cmxl.addin.launcher as launcher; launcher.run_action('" & control.Tag & "')"
End Sub
