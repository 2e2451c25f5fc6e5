package org.liveng.testing.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.liveng.api.FormatException;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureData;
import org.liveng.format.efivar.EfiSignatureList;

/**
 * A view of an OVMF variable store file ({@code OVMF_VARS*.fd}): the firmware volume header, the
 * authenticated variable store header and its variables (only those in state "added"). Enough to
 * take Microsoft's db out of {@code OVMF_VARS_4M.ms.fd}, to check what {@link SecureBootKeys}
 * enrolled, and to {@link #append append} a variable that efitools' flash-var cannot write (it gives
 * every variable runtime access and time-based authentication; MokList must have neither).
 */
public final class OvmfVars {
    /** EFI_GLOBAL_VARIABLE: PK, KEK, SecureBoot, Boot####. */
    public static final UUID EFI_GLOBAL_VARIABLE = EfiGuid.GLOBAL_VARIABLE.uuid();
    /** EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx. */
    public static final UUID IMAGE_SECURITY_DATABASE = EfiGuid.IMAGE_SECURITY_DATABASE.uuid();
    /** EFI_CERT_X509_GUID: the signature type of an X.509 certificate list. */
    public static final UUID CERT_X509 = EfiGuid.CERT_X509.uuid();

    private static final int VAR_ADDED = 0x3F;
    private static final int HEADER = 60;
    /** EFI_VARIABLE_NON_VOLATILE. */
    public static final int NON_VOLATILE = 0x1;
    /** EFI_VARIABLE_BOOTSERVICE_ACCESS. */
    public static final int BOOTSERVICE_ACCESS = 0x2;
    /** EFI_VARIABLE_RUNTIME_ACCESS. */
    public static final int RUNTIME_ACCESS = 0x4;

    /** One variable. */
    public record Variable(String name, UUID vendor, int attributes, byte[] data) {
    }

    /** One entry of an EFI_SIGNATURE_LIST: its type, owner and data (a DER certificate for X.509). */
    public record Signature(UUID type, UUID owner, byte[] data) {
    }

    private final List<Variable> variables;

    private OvmfVars(List<Variable> variables) {
        this.variables = List.copyOf(variables);
    }

    public static OvmfVars read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.capacity() < 0x48 || b.getInt(0x28) != 0x4856465F) { // "_FVH"
            throw new IOException(file + " is not a firmware volume (no _FVH signature at 0x28)");
        }
        int headerLength = Short.toUnsignedInt(b.getShort(0x30));
        int store = headerLength;
        int storeSize = b.getInt(store + 16);
        int end = Math.min(b.capacity(), store + storeSize);
        List<Variable> vars = new ArrayList<>();
        int off = store + 28;
        while (off + HEADER <= end && Short.toUnsignedInt(b.getShort(off)) == 0x55AA) {
            int state = Byte.toUnsignedInt(b.get(off + 2));
            int attributes = b.getInt(off + 4);
            int nameSize = b.getInt(off + 36);
            int dataSize = b.getInt(off + 40);
            if (nameSize < 0 || dataSize < 0 || off + HEADER + (long) nameSize + dataSize > end) {
                throw new IOException("variable header at 0x" + Integer.toHexString(off) + " of " + file + " runs past the store");
            }
            UUID vendor = guid(b, off + 44);
            String name = new String(Arrays.copyOfRange(b.array(), off + HEADER, off + HEADER + nameSize),
                    StandardCharsets.UTF_16LE).replace("\0", "");
            byte[] data = Arrays.copyOfRange(b.array(), off + HEADER + nameSize, off + HEADER + nameSize + dataSize);
            if (state == VAR_ADDED) {
                vars.add(new Variable(name, vendor, attributes, data));
            }
            off = (off + HEADER + nameSize + dataSize + 3) & ~3;
        }
        return new OvmfVars(vars);
    }

    /**
     * Appends a variable (state "added", no authentication data) after the last one of the store in
     * {@code file}, as the firmware's variable driver would write a new variable. Refuses a name that
     * is already there and a store without room.
     */
    public static void append(Path file, String name, UUID vendor, int attributes, byte[] data) throws IOException {
        if (read(file).variable(name, vendor).isPresent()) {
            throw new IOException(file + " already has the variable " + name + " (" + vendor + ")");
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int store = Short.toUnsignedInt(b.getShort(0x30));
        int end = Math.min(all.length, store + b.getInt(store + 16));
        int off = store + 28;
        while (off + HEADER <= end && Short.toUnsignedInt(b.getShort(off)) == 0x55AA) {
            off = (off + HEADER + b.getInt(off + 36) + b.getInt(off + 40) + 3) & ~3;
        }
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_16LE);
        int size = HEADER + n.length + data.length;
        if (off + size > end) {
            throw new IOException("no room for " + name + " (" + size + " bytes) in the variable store of " + file);
        }
        for (int i = off; i < off + size; i++) {
            if (all[i] != (byte) 0xFF) {
                throw new IOException("the free space of " + file + " at 0x" + Integer.toHexString(i) + " is not erased");
            }
        }
        b.putShort(off, (short) 0x55AA);
        b.put(off + 2, (byte) VAR_ADDED);
        b.put(off + 3, (byte) 0);
        b.putInt(off + 4, attributes);
        java.util.Arrays.fill(all, off + 8, off + 36, (byte) 0); // monotonic count, time stamp, public key index
        b.putInt(off + 36, n.length);
        b.putInt(off + 40, data.length);
        new EfiGuid(vendor).write(all, off + 44);
        System.arraycopy(n, 0, all, off + HEADER, n.length);
        System.arraycopy(data, 0, all, off + HEADER + n.length, data.length);
        Files.write(file, all);
    }

    /** The variables in state "added", in store order. */
    public List<Variable> variables() {
        return variables;
    }

    /** The current value of a variable. */
    public Optional<Variable> variable(String name, UUID vendor) {
        Variable found = null;
        for (Variable v : variables) {
            if (v.name().equals(name) && v.vendor().equals(vendor)) {
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The db variable (allowed signers), or empty. */
    public Optional<Variable> db() {
        return variable("db", IMAGE_SECURITY_DATABASE);
    }

    /** The entries of a sequence of EFI_SIGNATURE_LISTs (the data of db, KEK, PK), parsed by liveng's efivar library. */
    public static List<Signature> signatures(byte[] lists) throws IOException {
        List<Signature> out = new ArrayList<>();
        try {
            for (EfiSignatureList list : EfiSignatureList.parse(lists, "EFI signature lists")) {
                for (EfiSignatureData d : list.signatures()) {
                    out.add(new Signature(list.signatureType().uuid(), d.owner().uuid(), d.data()));
                }
            }
        } catch (FormatException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    static UUID guid(ByteBuffer b, int off) throws IOException {
        try {
            return EfiGuid.read(b.array(), off).uuid();
        } catch (FormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
