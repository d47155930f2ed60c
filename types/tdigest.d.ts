// Types for tdigest 0.1.3 (the package ships none); only what mlwatch uses.
declare module 'tdigest' {
  export interface Centroid {
    mean: number;
    n: number;
  }
  export class TDigest {
    constructor(delta?: number | false, K?: number, CX?: number);
    n: number;
    push(x: number | number[], n?: number): void;
    push_centroid(c: Centroid | Centroid[]): void;
    compress(): void;
    toArray(everything?: boolean): Centroid[];
    percentile(p: number): number;
    percentile(p: number[]): number[];
    p_rank(x: number): number;
    p_rank(x: number[]): number[];
    size(): number;
    reset(): void;
  }
  export class Digest extends TDigest {
    constructor(config?: { mode?: 'auto' | 'cont' | 'disc'; thresh?: number; ratio?: number });
  }
}
