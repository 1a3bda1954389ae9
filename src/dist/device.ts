// What Gloo binds on this host: an interface name or one of this host's addresses, checked here so that a
// typo is one clear line; by default the address this host reaches the master from.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DistError } from './errors.js';

export interface Device {
  /** An interface name (isInterface) or an address. */
  name: string;
  isInterface: boolean;
}

function invalid(message: string): DistError {
  return new DistError(message, { op: 'init', kind: 'invalid' });
}

/** This host's addresses by interface (IPv4 and IPv6, not link-local). */
export function hostAddresses(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    const usable = (addrs ?? []).filter((a) => !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80'))).map((a) => a.address);
    if (usable.length > 0) out.set(name, usable);
  }
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/** The local address the kernel would send from to reach host (a connected UDP socket sends nothing). */
export async function sourceAddressFor(host: string): Promise<string> {
  const ip = isIP(host) ? host : (await lookup(host)).address;
  return new Promise((resolve, reject) => {
    const s = createSocket(isIP(ip) === 6 ? 'udp6' : 'udp4');
    s.once('error', (e) => {
      s.close();
      reject(e);
    });
    s.connect(9, ip, () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
  });
}

/**
 * spec: an interface name or an address of this host; without one, loopback for a master on this host (or
 * no master: a file store on one machine), else the address this host reaches the master from.
 */
export async function resolveDevice(spec: string | undefined, masterHost: string | undefined): Promise<Device> {
  const addrs = hostAddresses();
  const all = [...addrs.values()].flat();
  const listing = [...addrs.entries()].map(([n, a]) => `${n} ${a.join(' ')}`).join(', ');
  if (spec !== undefined) {
    const s = spec.trim();
    if (isIP(s)) {
      if (s === '0.0.0.0' || s === '::') throw invalid(`the device address ${s} is no address the other ranks can connect to: give this host's address or interface (${listing})`);
      if (!all.includes(s)) throw invalid(`the device address ${s} is not one of this host's: give one of them or an interface name (${listing})`);
      return { name: s, isInterface: false };
    }
    if (!addrs.has(s)) throw invalid(`this host has no network interface '${s}' with an address: give one of ${listing}`);
    return { name: s, isInterface: true };
  }
  if (masterHost === undefined || isLoopback(masterHost)) return { name: '127.0.0.1', isInterface: false };
  let source: string;
  try {
    source = await sourceAddressFor(masterHost);
  } catch (e) {
    throw invalid(`no route from this host to the master '${masterHost}' (${(e as Error).message}): check the address, or give the interface Gloo binds`);
  }
  return { name: source, isInterface: false };
}
