package org.liveng.verify.internal;

import java.nio.file.Path;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.LivengException;
import org.liveng.keys.KeyDirectory;

import com.google.gson.GsonBuilder;

import org.osgi.service.component.annotations.Component;

/** {@code liveng:verify}: the Secure Boot chain of a stick or image, checked offline; exit status 1 when it would not boot. */
@Component(service = VerifyCommand.class, property = {
        "osgi.command.scope=liveng",
        "osgi.command.function=verify" })
public final class VerifyCommand {

    @Descriptor("check a stick's Secure Boot chain offline: who signed shim, GRUB and each kernel, and whether the firmware's db trusts them")
    public Object verify(CommandSession session,
            @Descriptor("the firmware's db: microsoft (UEFI CA 2011 + 2023, from Debian's shim-signed), own (db of the key folder), or a file (.esl, .auth, certificate)")
            @Parameter(names = { "--db" }, absentValue = "microsoft") String db,
            @Descriptor("certificates in shim's MokList: own (mok of the key folder) or a file; default none")
            @Parameter(names = { "--mok" }, absentValue = "") String mok,
            @Descriptor("revoked hashes and certificates: a dbx file (.esl, .auth)")
            @Parameter(names = { "--dbx" }, absentValue = "") String dbx,
            @Descriptor("SBAT revocation level: a file or 'grub,4;shim,4' lines")
            @Parameter(names = { "--sbat-level" }, absentValue = "") String sbatLevel,
            @Descriptor("the key folder for --db own and --mok own (default ~/.config/liveng/keys)")
            @Parameter(names = { "--keys" }, absentValue = "") String keys,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the image file or device") String target) throws LivengException {
        KeyDirectory folder = new KeyDirectory(keys.isEmpty() ? KeyDirectory.defaultLocation() : Path.of(keys));
        Trust dbTrust = switch (db) {
            case "microsoft" -> Trust.microsoft();
            case "own" -> new Trust("own (" + folder.certificateFile("db") + ")", java.util.List.of(folder.certificate("db")), java.util.Set.of());
            default -> Trust.read(Path.of(db));
        };
        Trust mokTrust = switch (mok) {
            case "" -> Trust.empty("no MokList");
            case "own" -> new Trust("own MOK", java.util.List.of(folder.certificate("mok")), java.util.Set.of());
            default -> Trust.read(Path.of(mok));
        };
        Trust dbxTrust = dbx.isEmpty() ? Trust.empty("no dbx") : Trust.read(Path.of(dbx));
        Map<String, Integer> level = sbatLevel.isEmpty() ? Map.of() : ChainVerifier.sbatLevel(sbatLevel);
        VerifyReport r = ChainVerifier.verify(Path.of(target), new ChainVerifier.Options(dbTrust, mokTrust, dbxTrust, level));
        if (!r.ok() && session != null) {
            session.put("liveng.exit", 1);
        }
        return json ? new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(r) : render(r);
    }

    public static String render(VerifyReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Secure Boot chain of ").append(r.target()).append(" (firmware db: ").append(r.db()).append(")\n");
        sb.append("SBAT revocation level: ").append(r.sbatLevel()).append('\n');
        for (VerifyReport.Binary b : r.binaries()) {
            sb.append(b.ok() ? "  ok    " : "  FAIL  ").append(b.stage()).append(": ").append(b.path()).append('\n');
            if (!b.signers().isEmpty()) {
                sb.append("          signed by ").append(String.join(" | ", b.signers())).append('\n');
            }
            if (!b.trustedVia().isEmpty()) {
                sb.append("          trusted via ").append(b.trustedVia()).append(" (checked by ").append(b.verifiedBy()).append(")\n");
            }
            if (!b.sbat().isEmpty()) {
                sb.append("          SBAT ").append(String.join(" ", b.sbat())).append('\n');
            }
            for (String p : b.problems()) {
                sb.append("          ").append(p).append('\n');
            }
        }
        if (!r.slots().isEmpty()) {
            sb.append("Kernel slots and their modules:\n");
        }
        for (VerifyReport.Slot s : r.slots()) {
            sb.append(s.ok() ? "  ok    " : "  FAIL  ").append(s.partition()).append(": kernel ").append(s.kernel()).append(", modules in ")
                    .append(s.modules().equals("persistence") ? "persistence " + s.persistence() : s.modules()).append('\n');
            if (!s.ok()) {
                sb.append("          ").append(s.problem()).append('\n');
            }
        }
        sb.append(r.ok() ? "verify: the chain boots with this db" : "verify: FAILS: " + String.join(" / ", r.failures()));
        return sb.toString();
    }
}
