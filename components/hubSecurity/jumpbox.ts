import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import * as tls from "@pulumi/tls";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { HubContext, JumpboxSettings } from "./context";
import { HubNetwork } from "./network";

/** The jumpbox's outputs; empty strings when the jumpbox is off (or, for the secret, when a key was supplied). */
export interface HubJumpbox {
    id: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    sshKeySecretId: pulumi.Output<string>;
}

/** What the jumpbox uses of earlier steps. */
export interface JumpboxDependencies {
    hub: HubNetwork;
    /** The hub Key Vault, which keeps a generated SSH private key. */
    vault: keyvault.Vault;
    /** The firewall's private IP: the NIC's DNS server (DNS proxy). */
    firewallPrivateIp: pulumi.Output<string>;
    /** The Bastion host the login groups connect through (they need to read it). */
    bastion: network.BastionHost;
}

/**
 * The jumpbox: Linux, no public IP, SSH key only, Entra ID login, encryption at host, Trusted Launch. Nothing is
 * created when it is disabled.
 */
export function createJumpbox(parent: pulumi.ComponentResource, name: string, ctx: HubContext, jump: JumpboxSettings, deps: JumpboxDependencies): HubJumpbox {
    const { naming, rg, location, tags, zones } = ctx;
    if (!jump.enabled) return { id: pulumi.output(""), principalId: pulumi.output(""), sshKeySecretId: pulumi.output("") };
    let publicKey: pulumi.Input<string>;
    let sshSecretId: pulumi.Output<string> = pulumi.output("");
    if (jump.sshPublicKey !== undefined) {
        publicKey = jump.sshPublicKey;
    } else {
        // Generated key pair (reference defect 8 derived the password from the subscription ID). The private key
        // is secret in Pulumi state and kept in the hub Key Vault for break-glass use; Entra ID login is the normal path.
        const key = new tls.PrivateKey(`${name}-jumpbox-ssh`, { algorithm: "RSA", rsaBits: 4096 }, { parent });
        publicKey = key.publicKeyOpenssh;
        const secret = new keyvault.Secret(`${name}-jumpbox-ssh-secret`, {
            secretName: "jumpbox-ssh-private-key",
            vaultName: deps.vault.name,
            resourceGroupName: rg,
            properties: { value: pulumi.secret(key.privateKeyOpenssh), contentType: "application/x-openssh-private-key" },
            tags,
        }, { parent, additionalSecretOutputs: ["properties"] });
        sshSecretId = secret.id;
    }
    const nic = new network.NetworkInterface(`${name}-jumpbox-nic`, {
        networkInterfaceName: resourceName("networkInterface", naming, "jump"),
        resourceGroupName: rg,
        location,
        ipConfigurations: [{ name: "ipconfig", subnet: { id: deps.hub.subnetId("snet-jumpbox") }, privateIPAllocationMethod: "Dynamic" }],
        // Resolve through the firewall's DNS proxy, so the jumpbox's lookups are logged like the spoke's.
        dnsSettings: { dnsServers: [deps.firewallPrivateIp] },
        enableIPForwarding: false,
        tags,
    }, { parent });
    const vm = new compute.VirtualMachine(`${name}-jumpbox`, {
        vmName: resourceName("virtualMachine", naming, "jump"),
        resourceGroupName: rg,
        location,
        hardwareProfile: { vmSize: jump.vmSize },
        identity: { type: "SystemAssigned" },
        storageProfile: {
            imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
            osDisk: { createOption: "FromImage", caching: "ReadWrite", deleteOption: "Delete", managedDisk: { storageAccountType: "Premium_LRS" } },
        },
        osProfile: {
            computerName: "jumpbox",
            adminUsername: jump.adminUsername,
            linuxConfiguration: {
                disablePasswordAuthentication: true,
                ssh: { publicKeys: [{ path: `/home/${jump.adminUsername}/.ssh/authorized_keys`, keyData: publicKey }] },
                provisionVMAgent: true,
                patchSettings: { patchMode: "AutomaticByPlatform", assessmentMode: "AutomaticByPlatform" },
            },
            allowExtensionOperations: true,
        },
        securityProfile: {
            // Temp disks and caches encrypted on the host (needs the EncryptionAtHost feature on the subscription).
            encryptionAtHost: true,
            securityType: "TrustedLaunch",
            uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
        },
        networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
        // Managed boot-diagnostics storage: no storage account or key to manage.
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        ...(zones !== undefined ? { zones: ["1"] } : {}),
        tags,
    }, { parent });
    const loginExtension = new compute.VirtualMachineExtension(`${name}-jumpbox-aad-ssh`, {
        vmName: vm.name,
        resourceGroupName: rg,
        location,
        vmExtensionName: "AADSSHLoginForLinux",
        publisher: "Microsoft.Azure.ActiveDirectory",
        type: "AADSSHLoginForLinux",
        typeHandlerVersion: "1.0",
        autoUpgradeMinorVersion: true,
        tags,
    }, { parent });
    createRoleAssignments(`${name}-jumpbox`, vm.id, Object.fromEntries(jump.loginGroupObjectIds.map((id, i) => [`login${i}`, {
        roleDefinitionIdOrName: "Virtual Machine Administrator Login",
        principalId: id,
        principalType: "Group",
        description: "Entra ID SSH to the jumpbox through Bastion",
    }])), { parent });
    // Bastion's native client (az network bastion ssh --auth-type AAD) also needs "Reader role on the virtual machine.
    // Reader role on the NIC with private IP of the virtual machine. Reader role on the Azure Bastion resource"
    // (learn.microsoft.com/azure/bastion/connect-vm-native-client-linux, required roles): the login role reads the VM
    // but not the NIC, a resource of its own, nor the Bastion host. Read only, on exactly those three.
    const readers = (key: string, scope: pulumi.Input<string>, what: string) => createRoleAssignments(`${name}-jumpbox-${key}`, scope, Object.fromEntries(jump.loginGroupObjectIds.map((id, i) => [`reader${i}`, {
        roleDefinitionIdOrName: "Reader",
        principalId: id,
        principalType: "Group",
        description: `Bastion native-client SSH to the jumpbox reads the ${what}`,
    }])), { parent });
    readers("vm", vm.id, "VM");
    readers("nic", nic.id, "jumpbox NIC");
    readers("bas", deps.bastion.id, "Bastion host");
    // The VM's ID is released only once its login extension is installed: the in-network uploads other components run
    // on this VM (managed Run Commands, which may run in parallel with each other, learn.microsoft.com/azure/
    // virtual-machines/linux/run-command-managed) then never race the extension, and Azure runs one extension
    // operation per VM at a time.
    const readyId = pulumi.all([vm.id, loginExtension.id]).apply(([vmId]) => vmId);
    return { id: readyId, principalId: vm.identity.apply((i) => i?.principalId ?? ""), sshKeySecretId: sshSecretId };
}
