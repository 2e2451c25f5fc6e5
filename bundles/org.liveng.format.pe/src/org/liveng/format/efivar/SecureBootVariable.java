package org.liveng.format.efivar;

/** The Secure Boot key variables (UEFI 2.10 §32.3, §32.6) with their vendor GUIDs. */
public enum SecureBootVariable {
    PK("PK", EfiGuid.GLOBAL_VARIABLE),
    KEK("KEK", EfiGuid.GLOBAL_VARIABLE),
    DB("db", EfiGuid.IMAGE_SECURITY_DATABASE),
    DBX("dbx", EfiGuid.IMAGE_SECURITY_DATABASE);

    private final String variableName;
    private final EfiGuid vendorGuid;

    SecureBootVariable(String variableName, EfiGuid vendorGuid) {
        this.variableName = variableName;
        this.vendorGuid = vendorGuid;
    }

    public String variableName() {
        return variableName;
    }

    public EfiGuid vendorGuid() {
        return vendorGuid;
    }

    /** NV | BS | RT | TIME_BASED_AUTHENTICATED_WRITE_ACCESS, plus APPEND_WRITE when appending. */
    public long attributes(boolean append) {
        return AuthenticatedVariable.NON_VOLATILE | AuthenticatedVariable.BOOTSERVICE_ACCESS | AuthenticatedVariable.RUNTIME_ACCESS
                | AuthenticatedVariable.TIME_BASED_AUTHENTICATED_WRITE_ACCESS | (append ? AuthenticatedVariable.APPEND_WRITE : 0);
    }
}
