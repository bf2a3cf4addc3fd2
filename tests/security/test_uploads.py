"""The web import's uploads: size limit, type checks, no path traversal, never on disk.

Every refusal is a 400 whose message names the file and what is wrong, with nothing stored.
"""

import os

import pytest
from django.core.files import uploadedfile
from django.test import Client
from lxml import html

from annotations.models import Article

pytestmark = pytest.mark.django_db

URL = "/articles/add/"
BOUNDARY = "SecurityTestsBoundary"
ARTICLE = b'"We will rebuild the bridge by spring," said Mayor Ana Lopez.\n'


def multipart(*files: tuple[str, bytes]) -> bytes:
    """A multipart body with the file names exactly as given (the test client would strip
    the folders from a name before sending it)."""
    parts = []
    for name, content in files:
        parts.append(
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload(client, *files):
    return client.post(
        URL, multipart(*files), content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


def errors(response) -> list[str]:
    tree = html.fromstring(response.content)
    return [
        " ".join(e.text_content().split())
        for e in tree.xpath("//*[@role='alert']//li | //p[@class='error']")
    ]


@pytest.fixture
def small_limit(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2048
    return 2048


def test_a_file_over_the_limit_is_refused_with_its_size_and_the_limit(alice_client, small_limit):
    response = upload(alice_client, ("big.txt", b"word " * 2048))  # 10 KiB
    assert response.status_code == 400
    assert errors(response) == ["big.txt is 10 KiB; the limit is 2 KiB per file."]
    assert not Article.objects.exists()


def test_a_file_at_the_limit_is_imported(alice_client, small_limit):
    content = ARTICLE + b"x" * (small_limit - len(ARTICLE))
    assert len(content) == small_limit
    response = upload(alice_client, ("exact.txt", content))
    assert response.status_code == 200
    assert Article.objects.count() == 1


def test_one_file_over_the_limit_stops_the_whole_upload(alice_client, small_limit):
    response = upload(alice_client, ("good.txt", ARTICLE), ("big.txt", b"x" * 4096))
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_a_file_over_the_limit_is_not_kept_in_memory(settings, small_limit):
    from annotations.uploads import MemoryOnlyUploadHandler

    handler = MemoryOnlyUploadHandler()
    handler.new_file("files", "big.txt", "text/plain", None)
    for start in range(0, 10 * small_limit, 1024):
        handler.receive_data_chunk(b"x" * 1024, start)
    received = handler.file_complete(10 * small_limit)
    assert received.size == 10 * small_limit
    assert received.read() == b""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "setup.exe: unknown format '.exe' (expected one of .csv, .htm, .html, .jsonl, .txt)",
        ),
        (
            "noextension",
            ARTICLE,
            "noextension: unknown format 'noextension' "
            "(expected one of .csv, .htm, .html, .jsonl, .txt)",
        ),
        (
            "image.jsonl",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "image.jsonl:1: is not UTF-8 text (byte 0x89 cannot be decoded); "
            "convert it to UTF-8 and import again",
        ),
        (
            "nul.txt",
            b"Some words\x00 and a NUL.",
            "nul.txt: holds NUL bytes: it looks like a binary file, not text",
        ),
        (
            "words.jsonl",
            b"just words, not JSON\n",
            "words.jsonl:1: malformed JSON (Expecting value)",
        ),
    ],
    ids=["exe", "no extension", "binary jsonl", "nul", "not json"],
)
def test_a_file_of_the_wrong_type_is_refused_clearly(alice_client, name, content, message):
    response = upload(alice_client, (name, content))
    assert response.status_code == 400
    assert errors(response) == [message]
    assert not Article.objects.exists()


# Names are labels, never paths --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "seen"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/tmp/newsquotes-security-test.txt", "newsquotes-security-test.txt"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("%2e%2e%2fescaped.txt", "%2e%2e%2fescaped.txt"),
    ],
    ids=["relative", "absolute", "backslashes", "percent-encoded"],
)
def test_a_path_in_the_file_name_is_reduced_to_its_last_part(alice_client, sent, seen):
    response = upload(alice_client, (sent, b"\xff not text"))  # refused: the message names it
    assert errors(response)[0].startswith(f"{seen}:")


def test_a_traversal_name_writes_nothing_anywhere(alice_client, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.MEDIA_ROOT = str(tmp_path)
    target = "/tmp/newsquotes-security-test.txt"
    assert not os.path.exists(target)
    response = upload(alice_client, (target, ARTICLE), ("../../../../tmp/other.txt", ARTICLE))
    assert response.status_code == 200
    assert not os.path.exists(target)
    assert not os.path.exists("/tmp/other.txt")
    assert list(tmp_path.iterdir()) == []


def test_a_large_upload_is_never_spooled_to_a_temporary_file(alice_client, monkeypatch):
    """Django writes uploads over 2.5 MB to a temporary file by default; ours never do."""
    spooled = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        spooled.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", spy)
    big = ARTICLE + b"More words in a long article.\n" * (4 * 1024 * 1024 // 30)
    assert len(big) > 4 * 1024 * 1024
    response = upload(alice_client, ("long.txt", big))
    assert response.status_code == 200
    assert spooled == []
    assert Article.objects.get().text.startswith(ARTICLE.decode().strip())


def test_a_researcher_cannot_upload(rachel_client):
    response = upload(rachel_client, ("article.txt", ARTICLE))
    assert response.status_code == 403
    assert not Article.objects.exists()


# The whole request: refused unread when too large ------------------------------------------


@pytest.fixture
def small_request_limit(settings):
    settings.IMPORT_MAX_REQUEST_BYTES = 8192


def test_an_oversized_request_is_refused_before_it_is_read(alice_client, small_request_limit):
    response = upload(alice_client, ("a.txt", ARTICLE), ("b.txt", b"x" * 10_000))
    assert response.status_code == 400
    assert errors(response) == []  # not the form: the request never reached the view
    text = " ".join(html.fromstring(response.content).text_content().split())
    assert "too large or could not be read, so it was refused and nothing was changed" in text
    assert not Article.objects.exists()


def test_an_anonymous_oversized_upload_is_refused_too(small_request_limit):
    """Parsing happens before the log-in check (CSRF reads the form), so the cap must too."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # anyone can get a CSRF cookie
    response = upload(client, ("b.txt", b"x" * 10_000))
    assert response.status_code == 400


def test_a_request_under_the_cap_reaches_the_form(alice_client, small_request_limit):
    response = upload(alice_client, ("a.txt", ARTICLE))
    assert response.status_code == 200
    assert Article.objects.count() == 1
