Attribute VB_Name = "CmxlRibbon"
' cmxl: the dispatcher of the native ribbon (templates/excel/customUI_native.xml).
' Every button calls OnAction; its tag names the action, and Python does the work.
' RunPython is xlwings' own, in the add-in's xlwings module. This file is ASCII (VBA imports a
' .bas in the system code page): the Chinese texts are spelled with ChrW.
Option Explicit

Sub OnAction(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then ' xlwings' RunPython needs one (VBA error 91 otherwise)
        ' \u8bf7\u5148\u6253\u5f00\u8981\u5904\u7406\u7684\u5de5\u4f5c\u7c3f\uff08\u6216\u65b0\u5efa\u4e00\u4e2a\u7a7a\u767d\u5de5\u4f5c\u7c3f\uff09\uff0c\u518d\u70b9\u51fb\u6b64\u6309\u94ae\u3002
        MsgBox ChrW(&H8BF7) & ChrW(&H5148) & ChrW(&H6253) & ChrW(&H5F00) & ChrW(&H8981) & ChrW(&H5904) & ChrW(&H7406) & ChrW(&H7684) & _
        ChrW(&H5DE5) & ChrW(&H4F5C) & ChrW(&H7C3F) & ChrW(&HFF08) & ChrW(&H6216) & ChrW(&H65B0) & ChrW(&H5EFA) & ChrW(&H4E00) & _
        ChrW(&H4E2A) & ChrW(&H7A7A) & ChrW(&H767D) & ChrW(&H5DE5) & ChrW(&H4F5C) & ChrW(&H7C3F) & ChrW(&HFF09) & ChrW(&HFF0C) & _
        ChrW(&H518D) & ChrW(&H70B9) & ChrW(&H51FB) & ChrW(&H6B64) & ChrW(&H6309) & ChrW(&H94AE) & ChrW(&H3002), _
            vbInformation, "cmxl " & ChrW(&H80FD) & ChrW(&H529B) & ChrW(&H6D4B) & ChrW(&H8BC4)
        Exit Sub
    End If
    RunPython "import cmxl.addin.launcher as launcher; launcher.run_action('" & control.Tag & "')"
End Sub
