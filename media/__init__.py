"""Files: content checks, metadata stripping, image derivatives, storage, QR codes and printable PDFs.

This package imports nothing of ours and no Flask, so every part of the app (and the CLI)
can use it. Upload handlers call `media.intake.ingest`; storage comes from
`media.storage.storage_from_url`.
"""
