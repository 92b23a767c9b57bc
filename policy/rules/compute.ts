import { enumEquals, objects, prop, UNKNOWN, peek, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

const AREA = "compute";

export const vmEncryptionAtHost = resourceRule({
    name: "vm-encryption-at-host",
    area: AREA,
    description: "VMs encrypt temp disks and caches on the host (encryption at host).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["06.c"], azurePolicy: ["fc4d8e41"], checkov: ["CKV_AZURE_97", "CKV_AZURE_151"] },
    types: ["compute:VirtualMachine", "compute:VirtualMachineScaleSet"],
    remediation: "Set securityProfile.encryptionAtHost: true (register the EncryptionAtHost feature once per subscription).",
    check: (r, _c, report) => {
        const v = r.typeKey === "compute:VirtualMachine" ? prop(r.props, "securityProfile.encryptionAtHost") : prop(r.props, "virtualMachineProfile.securityProfile.encryptionAtHost");
        if (v !== true) report(`${r.typeKey} "${r.name}" has no encryption at host`);
    },
});

/**
 * A Windows VM, as far as its inputs tell: windowsConfiguration set, a Windows OS disk type, or (as Checkov's
 * CKV_AZURE_1 decides, checkov/arm/checks/resource/AzureInstancePassword.py) an image publisher naming Windows. Anything
 * else is taken as Linux: an omitted linuxConfiguration does not make a VM Windows, it leaves password sign-in to
 * Azure's default (disablePasswordAuthentication unset: the adminPassword is accepted; REST API, Virtual Machines -
 * Create Or Update, LinuxConfiguration), and Checkov's CKV_AZURE_1 fails it. A Windows VM from a custom image says so
 * with windowsConfiguration or storageProfile.osDisk.osType.
 */
function isWindows(props: Record<string, unknown>): boolean {
    if (prop(props, "osProfile.windowsConfiguration") !== undefined) return true;
    if (enumEquals(prop(props, "storageProfile.osDisk.osType"), "Windows")) return true;
    const publisher = prop(props, "storageProfile.imageReference.publisher");
    return typeof publisher === "string" && publisher.toLowerCase().includes("windows");
}

/**
 * Where a VM keeps what vm-ssh-key-only reads, and a scale set its instances' (virtualMachineProfile: the same
 * osProfile and storageProfile shapes, ARM VirtualMachineScaleSetOSProfile/StorageProfile). Checkov checks the scale
 * set case as CKV_AZURE_49 (checkov/arm/checks/resource/AzureScaleSetPassword.py).
 */
const VM_PROFILE: Readonly<Record<string, { base: string; label: string }>> = {
    "compute:VirtualMachine": { base: "", label: "VM" },
    "compute:VirtualMachineScaleSet": { base: "virtualMachineProfile", label: "VM scale set" },
};

export const vmSshKeyOnly = resourceRule({
    name: "vm-ssh-key-only",
    area: AREA,
    description: "Linux VMs and VM scale sets allow SSH keys only, never passwords.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.d"], azurePolicy: [], checkov: ["CKV_AZURE_149", "CKV_AZURE_178", "CKV_AZURE_1", "CKV_AZURE_49"] },
    types: Object.keys(VM_PROFILE),
    remediation: "Set osProfile.linuxConfiguration.disablePasswordAuthentication: true and supply SSH public keys; do not set adminPassword (on a scale set: under virtualMachineProfile).",
    check: (r, _c, report) => {
        const { base, label } = VM_PROFILE[r.typeKey] ?? { base: "", label: "VM" };
        // A VM's own profiles, or a scale set's instance profile: the same checks on both.
        const props = (base === "" ? r.props : prop(r.props, base) ?? {}) as Record<string, unknown>;
        // No osProfile: the VM boots an attached (specialized) OS disk and the program provisions no credential.
        if (prop(props, "osProfile") === undefined || isWindows(props)) return;
        if (prop(props, "osProfile.linuxConfiguration.disablePasswordAuthentication") !== true) report(`${label} "${r.name}" allows password authentication`);
        if (prop(props, "osProfile.adminPassword") !== undefined) report(`${label} "${r.name}" sets an admin password`);
        // A key entry without key data is no key: sign-in would depend on something other than an SSH key. Key data
        // generated in the same program (a tls:PrivateKey) is unknown at preview, and is a key.
        const keys = objects(prop(props, "osProfile.linuxConfiguration.ssh.publicKeys"));
        const blank = (d: unknown) => d !== UNKNOWN && (typeof d !== "string" || d.trim() === "");
        if (keys.some((k) => blank(peek(k, "keyData")))) report(`${label} "${r.name}" has an SSH public key entry without key data`);
    },
});

/** Managed disks and their snapshots: a snapshot of a PHI disk is the same data, with the same SAS export path. */
const DISK_KINDS: Readonly<Record<string, string>> = { "compute:Disk": "disk", "compute:Snapshot": "snapshot" };

export const diskNoPublicNetwork = resourceRule({
    name: "disk-no-public-network",
    area: AREA,
    description: "Managed disks and snapshots cannot be exported or imported over the internet: public network access is off and SAS access is denied or private-link only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.m", "01.n", "01.o", "09.ab", "09.w"], azurePolicy: ["8405fdab"], checkov: ["CKV_AZURE_251"] },
    types: Object.keys(DISK_KINDS),
    remediation: "Set publicNetworkAccess: \"Disabled\" and networkAccessPolicy: \"DenyAll\" (or \"AllowPrivate\" with a disk access resource), on disks and snapshots alike.",
    check: (r, _c, report) => {
        // A snapshot does not inherit its disk's settings: "each managed disk and snapshot has its own NetworkAccessPolicy"
        // (learn.microsoft.com/azure/virtual-machines/disks-restrict-import-export-overview; ARM Snapshot has the same
        // publicNetworkAccess, networkAccessPolicy and diskAccessId as Disk), and its SAS export (snapshots/beginGetAccess)
        // hands out the disk's data as readily as the disk's own. Omitted means Azure's defaults, Enabled and AllowAll.
        const kind = DISK_KINDS[r.typeKey] ?? "disk";
        const open = publicAccessOpen(r.props);
        if (open !== undefined) report(`${kind} "${r.name}" has publicNetworkAccess ${open}`);
        const policy = r.props["networkAccessPolicy"];
        if (!enumEquals(policy, "DenyAll") && !enumEquals(policy, "AllowPrivate")) report(`${kind} "${r.name}" networkAccessPolicy is ${policy === undefined ? "AllowAll (unset)" : String(policy)}`);
    },
});
