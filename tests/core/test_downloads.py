"""core/downloads.py and core/excel.py: one way to send a file with its Chinese name."""

import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404

from dudao.core.downloads import XLSX, content_disposition, download_response, stored_file_response
from dudao.core.excel import xlsx_download


def _name(header: str) -> str:
    kind, _, encoded = header.partition("; filename*=UTF-8''")
    return kind + "|" + unquote(encoded)


def test_chinese_names_are_rfc5987_encoded_and_nothing_cuts_them():
    header = content_disposition("整改通知书-宁乡市/一小;甲.pdf")
    assert header.startswith("attachment; filename*=UTF-8''%E6%95%B4")
    assert "/" not in header.split("''", 1)[1] and ";" not in header.split("''", 1)[1]
    assert _name(header) == "attachment|整改通知书-宁乡市/一小;甲.pdf"
    assert _name(content_disposition("记录表.pdf", inline=True)) == "inline|记录表.pdf"


def test_bytes_are_sent_whole_and_files_are_streamed():
    sent = download_response(b"%PDF-1.7", "公示牌.pdf", "application/pdf", inline=True)
    assert sent.content == b"%PDF-1.7" and sent["Content-Type"] == "application/pdf"
    assert _name(sent["Content-Disposition"]) == "inline|公示牌.pdf"

    streamed = download_response(io.BytesIO(b"PK.."), "导入模板.xlsx", XLSX, cache_control="private, no-store", nosniff=True)
    assert isinstance(streamed, FileResponse)
    assert b"".join(streamed.streaming_content) == b"PK.."
    assert _name(streamed["Content-Disposition"]) == "attachment|导入模板.xlsx"
    assert (streamed["Cache-Control"], streamed["X-Content-Type-Options"]) == ("private, no-store", "nosniff")


@pytest.mark.django_db
def test_a_stored_file_is_served_and_a_missing_one_is_404(settings, tmp_path):
    from dudao.supervisors.models import Supervisor

    settings.MEDIA_ROOT = tmp_path
    supervisor = Supervisor(name="王督学")
    supervisor.photo.save("p.jpg", ContentFile(b"\xff\xd8jpeg"), save=False)
    response = stored_file_response(supervisor.photo, "image/jpeg")
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    response.close()

    supervisor.photo.storage.delete(supervisor.photo.name)
    with pytest.raises(Http404):
        stored_file_response(supervisor.photo, "image/jpeg")
    supervisor.photo = None
    with pytest.raises(Http404):
        stored_file_response(supervisor.photo, "image/jpeg")


def test_xlsx_download_streams_what_the_writer_wrote_with_the_shared_header_style():
    import zipfile

    from python_calamine import CalamineWorkbook

    from dudao.core.excel import write_header, write_notes

    def write(path):
        import xlsxwriter

        wb = xlsxwriter.Workbook(path)
        ws = wb.add_worksheet("学校")
        write_header(wb, ws, ["*学校标识码", "学校名称"], width=lambda col, title: 20, text_columns=lambda col, title: col == 0)
        ws.write_string(1, 0, "0001")
        write_notes(wb, ["第一行说明"], sheet="填写说明")
        wb.close()

    response = xlsx_download("学校导入模板.xlsx", write)
    assert _name(response["Content-Disposition"]) == "attachment|学校导入模板.xlsx"
    raw = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    assert book.get_sheet_by_name("学校").to_python() == [["*学校标识码", "学校名称"], ["0001", ""]]  # text stays text
    assert book.get_sheet_by_name("填写说明").to_python() == [["第一行说明"]]
    with zipfile.ZipFile(io.BytesIO(raw)) as parts:
        styles = parts.read("xl/styles.xml").decode()
        columns = parts.read("xl/worksheets/sheet1.xml").decode()
    assert "FFFCE4D6" in styles and "FFDDEBF7" in styles  # required column orange, others blue
    assert 'width="20.7109375"' in columns
