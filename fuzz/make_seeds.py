#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (run from the repository root).

Seeds are small: whole archives (the LibreOffice fixtures, minimal hand-made ones) and the
NUL-separated XML parts the harnesses zip themselves (see fuzz/fuzz_zip.hpp)."""
import os, shutil, zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'

DOC = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'
       '<w:p><w:pPr><w:pStyle w:val="a1"/></w:pPr><w:r><w:t>一、总体要求</w:t></w:r></w:p>'
       '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>（一）</w:t><w:tab/><w:t>目标</w:t><w:br/></w:r></w:p>'
       '<w:p><w:r><w:t xml:space="preserve">保留 </w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del>'
       '<w:ins><w:r><w:t>增</w:t></w:r></w:ins></w:p>'
       '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
       '<w:p><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p>'
       '</w:txbxContent></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>'
       '</w:body></w:document>')
STYLES = (f'<w:styles {W}><w:style w:type="paragraph" w:styleId="a1"><w:name w:val="标题 1"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:basedOn w:val="a1"/>'
          '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>')

SHEET = (f'<worksheet {S}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
         '<row r="3"><c r="B3" s="1"><v>45658</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c>'
         '<c t="inlineStr"><is><r><t>内联</t></r><rPh><t>x</t></rPh></is></c><c t="str"><f>A1</f><v>f</v></c>'
         '<c s="2"><v>1.5e3</v></c></row></sheetData>'
         '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells></worksheet>')
SST = (f'<sst {S}><si><t>序号</t></si><si><r><rPr><b/></rPr><t>富</t></r><r><t>文本_x000D_</t></r>'
       '<rPh sb="0" eb="1"><t>フ</t></rPh></si></sst>')
XSTYLES = (f'<styleSheet {S}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;;[Red]0.00"/>'
           '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>')
WB = (f'<workbook {S}><workbookPr date1904="1"/><sheets><sheet name="任务" sheetId="1" r:id="rId1"/>'
      '</sheets></workbook>')
WBRELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          f'<Relationship Id="rId1" Type="{REL}worksheet" Target="worksheets/sheet1.xml"/>'
          f'<Relationship Id="rId2" Type="{REL}sharedStrings" Target="sharedStrings.xml"/>'
          f'<Relationship Id="rId3" Type="{REL}styles" Target="/xl/styles.xml"/></Relationships>')


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def zipped(path, parts):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text)


d = 'fuzz/corpus/fuzz_docx'
os.makedirs(d, exist_ok=True)
shutil.copy('tests/fixtures/office/lo_report.docx', d + '/lo_report.docx')
zipped(d + '/handmade.docx', [('word/document.xml', DOC), ('word/styles.xml', STYLES)])
write(d + '/parts_doc_styles', DOC + '\0' + STYLES)
write(d + '/parts_doc_only', DOC)

x = 'fuzz/corpus/fuzz_xlsx'
os.makedirs(x, exist_ok=True)
shutil.copy('tests/fixtures/office/lo_plan.xlsx', x + '/lo_plan.xlsx')
zipped(x + '/handmade.xlsx', [('xl/workbook.xml', WB), ('xl/_rels/workbook.xml.rels', WBRELS),
                              ('xl/worksheets/sheet1.xml', SHEET), ('xl/sharedStrings.xml', SST),
                              ('xl/styles.xml', XSTYLES)])
write(x + '/parts_all', '\0'.join([SHEET, SST, XSTYLES, WB, WBRELS]))
write(x + '/parts_sheet_sst_styles', '\0'.join([SHEET, SST, XSTYLES]))

t = 'fuzz/corpus/fuzz_plan_text'
os.makedirs(t, exist_ok=True)
write(t + '/report.txt', '一、2025年工作回顾\n过去一年，全区地区生产总值增长5.2%。\n'
      '二、2026年主要任务\n（一）推进城市更新\n1. 完成老旧小区改造30个，新建5G基站120个。（牵头单位：区住建局；完成时限：2026年6月底前）\n')
write(t + '/traditional.txt', '（二）優化營商環境\n新增市場主體1.2萬戶，辦結率達到95%以上。\n')
write(t + '/numbers.txt', '（三）民生实事\n1．新增就业岗位3000个以上\n2、改造提升农贸市场8家，完成投资2.5亿元\n①第一项 ②第二项\n')
