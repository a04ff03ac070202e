package dev.steward.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Deleting and unzipping directory trees. */
final class FileTree {
    private FileTree() {
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /**
     * Unzips {@code zip} into {@code target}, dropping the archive's top folder ({@code keycloak-26.7.3/}). Unpacks
     * beside the target first and renames at the end, so an interrupted unzip never looks complete.
     */
    static void unzipStrippingTopFolder(Path zip, Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".unzipping");
        delete(tmp);
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) {
                    continue; // the top folder itself
                }
                Path out = tmp.resolve(name.substring(slash + 1)).normalize();
                if (!out.startsWith(tmp)) {
                    throw new IOException("bad zip entry " + name);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zf.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                // java.util.zip drops Unix permissions; the launch scripts must stay executable
                if (name.endsWith(".sh")) {
                    out.toFile().setExecutable(true);
                }
            }
            Files.move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unzip " + zip + " to " + target, e);
        }
    }

    /** The text of {@code <top folder>/<entry>} in a zip (e.g. Keycloak's version.txt), or null. */
    static String readFromZip(Path zip, String entryBelowTopFolder) {
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            String first = zf.entries().nextElement().getName();
            String top = first.substring(0, first.indexOf('/') + 1);
            ZipEntry entry = zf.getEntry(top + entryBelowTopFolder);
            if (entry == null) {
                return null;
            }
            try (InputStream in = zf.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
        }
    }
}
