/*
 * liveng-lock.efi: the link between PreLoader and GRUB in liveng's legacy `preloader` chain.
 *
 * Debian's GRUB starts a kernel under Secure Boot only after asking shim's `shim_lock` protocol
 * to verify it, and PreLoader does not provide that protocol. This program, started by PreLoader
 * as \EFI\BOOT\loader.efi (trusted by its enrolled hash), installs the protocol and starts GRUB
 * (grubx64.efi in its own directory). Its Verify answers by asking the firmware to load the image
 * from the buffer: with PreLoader's security policy in place, the firmware accepts what db trusts
 * and what HashTool enrolled in MokList, and refuses the rest. The image is unloaded at once; no
 * code of it runs here. Nothing is trusted that PreLoader would not start by itself.
 *
 * Built with gnu-efi (see Makefile). Part of liveng.
 */
#include <efi.h>
#include <efilib.h>

/* shim's protocol, as GRUB looks it up: 605dab50-e046-4300-abb6-3dd810dd8b23 */
static EFI_GUID shim_lock_guid = { 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } };

/* GRUB calls shim's functions directly, in the System V calling convention, not EFIAPI's */
#define SHIMAPI __attribute__((sysv_abi))

typedef struct {
    EFI_STATUS (SHIMAPI *verify)(VOID *buffer, UINT32 size);
    EFI_STATUS (SHIMAPI *hash)(VOID *data, INT32 size, VOID *context, UINT8 *sha256, UINT8 *sha1);
    EFI_STATUS (SHIMAPI *context)(VOID *data, UINT32 size, VOID *context);
} shim_lock_protocol;

#define GRUB_NAME L"grubx64.efi"

/* how liveng verify recognises this program on a stick (kept in .data; see ChainVerifier) */
__attribute__((used)) static char marker[] = "LIVENG-LOCK/1 shim_lock provider for PreLoader";

static EFI_HANDLE self;
/* the path the firmware's policy is told an image comes from: GRUB's, on this ESP */
static EFI_DEVICE_PATH *origin;

static EFI_STATUS SHIMAPI lock_verify(VOID *buffer, UINT32 size)
{
    EFI_HANDLE image = NULL;
    EFI_STATUS status;

    if (buffer == NULL || size == 0) {
        Print(L"liveng-lock: no image to verify\n");
        return EFI_INVALID_PARAMETER;
    }
    status = BS->LoadImage(FALSE, self, origin, buffer, size, &image);
    /* a security violation still loads the image (UEFI 2.x LoadImage): unload it in every case */
    if (image != NULL)
        BS->UnloadImage(image);
    if (EFI_ERROR(status)) {
        Print(L"liveng-lock: image of %u bytes refused: %r\n", size, status);
        Print(L"liveng-lock: enrol its hash with HashTool (see \\EFI\\liveng\\README-PRELOADER.txt)\n");
        return EFI_SECURITY_VIOLATION;
    }
    return EFI_SUCCESS;
}

static EFI_STATUS SHIMAPI lock_hash(VOID *data, INT32 size, VOID *context, UINT8 *sha256, UINT8 *sha1)
{
    return EFI_UNSUPPORTED;
}

static EFI_STATUS SHIMAPI lock_context(VOID *data, UINT32 size, VOID *context)
{
    return EFI_UNSUPPORTED;
}

static shim_lock_protocol lock = { lock_verify, lock_hash, lock_context };

/* The directory of this program's file path, with GRUB_NAME appended; NULL if the path is not a file path. */
static CHAR16 *grub_path(EFI_DEVICE_PATH *own)
{
    CHAR16 *text = DevicePathToStr(own), *path;
    UINTN len, cut = 0, i;

    if (text == NULL)
        return NULL;
    len = StrLen(text);
    for (i = 0; i < len; i++)
        if (text[i] == L'\\' || text[i] == L'/')
            cut = i + 1;
    path = AllocatePool((cut + StrLen(GRUB_NAME) + 1) * sizeof(CHAR16));
    if (path != NULL) {
        CopyMem(path, text, cut * sizeof(CHAR16));
        if (cut == 0)
            path[cut++] = L'\\';
        StrCpy(path + cut, GRUB_NAME);
    }
    FreePool(text);
    return path;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    EFI_LOADED_IMAGE *loaded;
    EFI_HANDLE lock_handle = NULL, grub = NULL;
    CHAR16 *path;
    EFI_STATUS status;

    InitializeLib(image, system_table);
    self = image;
    status = BS->HandleProtocol(image, &LoadedImageProtocol, (VOID **)&loaded);
    if (EFI_ERROR(status)) {
        Print(L"liveng-lock: no loaded image protocol: %r\n", status);
        return status;
    }
    path = grub_path(loaded->FilePath);
    if (path == NULL)
        return EFI_OUT_OF_RESOURCES;
    origin = FileDevicePath(loaded->DeviceHandle, path);
    if (origin == NULL) {
        FreePool(path);
        return EFI_OUT_OF_RESOURCES;
    }
    status = BS->InstallProtocolInterface(&lock_handle, &shim_lock_guid, EFI_NATIVE_INTERFACE, &lock);
    if (EFI_ERROR(status)) {
        Print(L"liveng-lock: cannot install the shim_lock protocol: %r\n", status);
        goto out;
    }
    Print(L"liveng-lock: shim_lock protocol installed, starting %s\n", path);
    status = BS->LoadImage(FALSE, image, origin, NULL, 0, &grub);
    if (EFI_ERROR(status)) {
        Print(L"liveng-lock: cannot load %s: %r (is its hash enrolled with HashTool?)\n", path, status);
        if (grub != NULL)
            BS->UnloadImage(grub);
    } else {
        status = BS->StartImage(grub, NULL, NULL);
        Print(L"liveng-lock: %s returned: %r\n", path, status);
    }
    BS->UninstallProtocolInterface(lock_handle, &shim_lock_guid, &lock);
out:
    FreePool(origin);
    FreePool(path);
    return status;
}
