"""`policykit i18n export` and `i18n import`: XLIFF for translation agencies' CAT tools.

In: the project's catalogues of the policy (export), or XLIFF files a CAT tool returned
(import). Out: one `<locale>.xlf` per locale in the folder named (default: `xliff/` in
the project), or the catalogues updated, all of them or none (the transaction of
`i18n update`). Needs translate-toolkit (the `cat` extra); without it, one line saying
what to install, exit 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from policykit.cli.common import CannotUse, find_policy, quiet_option

__all__ = ["export_command", "import_command"]


@click.command(name="export")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["xliff"]), default="xliff", show_default=True)
@click.option("--locale", "chosen", multiple=True, help="Only these locales (default: every catalogue).")
@click.option("--locales", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The catalogues folder (default: the project's locales folder).")  # fmt: skip
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write <locale>.xlf into (default: xliff/ in the project).")  # fmt: skip
@quiet_option
def export_command(
    path: str | None, output_format: str, chosen: tuple[str, ...], locales: Path | None, out_dir: Path | None,
    quiet: bool,
) -> None:  # fmt: skip
    """Write each locale's catalogue of the policy as XLIFF 1.1 for a CAT tool: msgctxt as
    resname, notes, references, and fuzzy entries as state needs-review-translation."""
    from policykit.atomic import write_atomic
    from policykit.i18n import catalogs
    from policykit.i18n.values import normalize_locale
    from policykit.i18n.xliff import MissingToolkit, export_xliff

    project = find_policy(path, quiet=quiet, writes=True)
    folder = locales or project.locales
    found = catalogs.locales_in(folder, catalogs.POLICY_DOMAIN)
    wanted = [normalize_locale(name) for name in chosen] or found
    missing = [name for name in wanted if name not in found]
    if missing:
        raise CannotUse(f"{folder}: no catalogue of the policy for {', '.join(missing)}")
    target = out_dir if out_dir is not None else project.root / "xliff"
    try:
        files = {target / f"{loc}.xlf": export_xliff(catalogs.catalog_path(folder, loc, catalogs.POLICY_DOMAIN))
                 for loc in wanted}  # fmt: skip
    except MissingToolkit as error:
        raise CannotUse(str(error)) from None
    for file, data in files.items():
        write_atomic(file, data, make_parents=True)
        click.echo(f"wrote {file}", err=True)


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--policy", "path", default=None, type=click.Path(path_type=str), help="The project's policy.")
@click.option("--locales", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The catalogues folder (default: the project's locales folder).")  # fmt: skip
@quiet_option
def import_command(files: tuple[Path, ...], path: str | None, locales: Path | None, quiet: bool) -> None:
    """Bring translations back from XLIFF files (each names its target-language) into the
    locales' catalogues: every file is read first, and if one cannot be, nothing is
    written (exit 2). Run `policykit i18n check` after."""
    from babel.messages.catalog import Catalog

    from policykit.errors import CatalogError, PolicykitError
    from policykit.i18n import catalogs
    from policykit.i18n.previous import basepath_in
    from policykit.i18n.transaction import recover, replace_all
    from policykit.i18n.values import normalize_locale
    from policykit.i18n.xliff import Imported, MissingToolkit, import_xliff

    project = find_policy(path, quiet=quiet, writes=True)
    folder = locales or project.locales
    recover(folder)
    results: list[tuple[Path, Path, Imported]] = []
    written: dict[Path, bytes] = {}
    for file in files:
        try:
            data = file.read_bytes()
            probe = import_xliff(data, Catalog())
            if probe.locale is None:
                raise PolicykitError("no target-language: cannot tell which catalogue it is for")
            locale = normalize_locale(probe.locale)
            po = catalogs.catalog_path(folder, locale, catalogs.POLICY_DOMAIN)
            if po in written:
                raise PolicykitError(f"a second file for {locale}; give one per locale")
            if not po.is_file():
                raise PolicykitError(
                    f"no catalogue of the policy for {locale}; run `policykit i18n update --locale {locale}`"
                )
            catalog = catalogs.read_catalog(po)
            result = import_xliff(data, catalog)
        except MissingToolkit as error:
            raise CannotUse(str(error)) from None
        except CatalogError as error:
            raise CannotUse(f"{error.path}:{error.line or 0}: {error.message}; nothing written") from None
        except (PolicykitError, OSError) as error:
            raise CannotUse(f"{file}: {error}; nothing written") from None
        written[po] = catalogs.catalog_bytes(catalog, basepath=basepath_in(po.read_bytes()))
        results.append((file, po, result))
    replace_all(folder, written)
    for file, po, result in results:
        extra = f", {len(result.unknown)} unit(s) not in the catalogue, left out" if result.unknown else ""
        click.echo(f"{file} -> {po}: {result.updated} entries changed{extra}", err=True)
