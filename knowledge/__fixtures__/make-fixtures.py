#!/usr/bin/env python3
"""Regenerates the binary document fixtures (written by the team, fictional 茶语时光 content).

    python3 knowledge/__fixtures__/make-fixtures.py

- documents/delivery-policy.docx: a minimal WordprocessingML package built with zipfile (headings
  by style, a bulleted list through numbering.xml, a table), deterministic bytes.
- documents/allergen-guide.pdf: documents/allergen-guide.pdf.html printed by headless Chromium
  (needs /usr/bin/chromium and a CJK font, e.g. `apt-get install chromium fonts-noto-cjk`); two
  pages. Skipped with a message when Chromium is missing. Tests read the committed outputs and
  never need Chromium.
"""
import os
import shutil
import subprocess
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'documents')
W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'


def paragraph(text, style=None, bullet=False):
    properties = ''
    if style or bullet:
        properties = '<w:pPr>'
        if style:
            properties += f'<w:pStyle w:val="{style}"/>'
        if bullet:
            properties += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        properties += '</w:pPr>'
    return f'<w:p>{properties}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def table(rows):
    cells = lambda row: ''.join(f'<w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/></w:tcPr>{paragraph(cell)}</w:tc>' for cell in row)
    body = ''.join(f'<w:tr>{cells(row)}</w:tr>' for row in rows)
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>{body}</w:tbl>'


def make_docx(path):
    body = ''.join([
        paragraph('外卖配送说明', 'Heading1'),
        paragraph('茶语时光外卖由美团、饿了么骑手配送，配送范围为门店 3 公里内。'),
        paragraph('配送费用', 'Heading2'),
        paragraph('订单满 30 元免配送费，不满 30 元收取 4 元配送费。'),
        paragraph('配送时间', 'Heading2'),
        paragraph('午餐高峰 11:30–13:30 约 40 分钟送达', bullet=True),
        paragraph('其他时段约 30 分钟送达', bullet=True),
        paragraph('雨雪天气可能延迟，请耐心等待', bullet=True),
        paragraph('洒漏与错送', 'Heading2'),
        table([['问题', '处理方式'], ['饮品洒漏', '拍照联系客服，全额退款或重做'], ['送错饮品', '免费补送正确的饮品']]),
    ])
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
        '</w:styles>'
    )
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W}">'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
        '</Types>'
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>'
    )
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
        '</Relationships>'
    )
    parts = [
        ('[Content_Types].xml', content_types),
        ('_rels/.rels', package_rels),
        ('word/document.xml', document),
        ('word/styles.xml', styles),
        ('word/numbering.xml', numbering),
        ('word/_rels/document.xml.rels', document_rels),
    ]
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            # A fixed timestamp keeps the bytes identical from run to run.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text.encode('utf-8'))


def make_pdf(path, html_path):
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        print(f'skipped {os.path.basename(path)}: chromium not found')
        return
    subprocess.run(
        [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', f'--print-to-pdf={path}', f'file://{html_path}'],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == '__main__':
    make_docx(os.path.join(HERE, 'delivery-policy.docx'))
    make_pdf(os.path.join(HERE, 'allergen-guide.pdf'), os.path.join(HERE, 'allergen-guide.pdf.html'))
    print('fixtures written to', HERE)
