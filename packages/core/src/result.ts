// The result assembly lives with grouping; this path stays for the modules that import it from here.
export * from './grouping/result.js';
