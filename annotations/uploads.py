"""Uploaded files stay in memory, and only up to the import limit: nothing is written to disk.

Django's default handlers spool files larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a
temporary file and keep all of any file, however large. This handler keeps each file in
memory up to ``settings.IMPORT_MAX_UPLOAD_BYTES`` and past that only counts its bytes, so
the form can say how large the file was (AddArticlesForm.clean_files) without storing it.
A whole request body over ``settings.IMPORT_MAX_REQUEST_BYTES`` is refused (400) unread.
The name a browser sends is never used as a path (Django keeps only its last component).
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class MemoryOnlyUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The body is parsed before any view runs (the CSRF check reads the form), so even
        # an anonymous client reaches this point: refuse an oversized body before reading
        # it, so that no request holds more than IMPORT_MAX_REQUEST_BYTES in memory.
        limit = settings.IMPORT_MAX_REQUEST_BYTES
        if content_length and content_length > limit:
            raise RequestDataTooBig(
                f"An upload of {content_length} bytes; at most {limit} are accepted."
            )

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.IMPORT_MAX_UPLOAD_BYTES:
            self.file.write(raw_data)
        else:
            # Too large: drop what was kept, count the rest. The form refuses it by size.
            self.file = BytesIO()
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
