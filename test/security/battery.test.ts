// test/security/battery.test.ts — the attack battery of reference/security-battery.md as guests,
// each run in directfs mode, lisafs mode with the worker gofer and lisafs mode with the process
// gofer, each run checked by the four oracles (O1 canary + outside snapshot, O2 host-FD
// provenance after every open, O3 strace audit of the guest's window, O4 liveness + FD/RSS
// baseline), and the three modes must print identical output that matches the guest's JSON.
// Races (RC-*) run a host process flipping entries for the whole (time- and count-bounded) guest.
// README.md (this directory) maps every case id to the guest or test that covers it.
// Must not: aim mutating probes outside the fixture; run anything under node:wasi.
import { isDriver, driverMain } from './harness.js';

if (isDriver()) {
  await driverMain();
} else {
  const { registerBattery } = await import('./battery-cases.js');
  registerBattery();
}
