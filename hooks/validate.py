"""Fail `mkdocs build --strict` on any article whose front matter breaks the schema.

One warning per problem, as `path: field: message`. Schema only: editorial rules
(vocabulary, summaries worth reading) are `newsdesk check`'s job, not the build's.
"""

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from newsdesk import site


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site.report_problems(files, config)
    return files
