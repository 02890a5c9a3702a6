// The hash slot function ioredis routes cluster commands with (a dependency of ioredis, untyped).
declare module "cluster-key-slot" {
  /** CRC16 of the key (or of its {hash tag}) modulo 16384; Buffers are read byte for byte. */
  export default function calculateSlot(key: string | Buffer): number;
}
