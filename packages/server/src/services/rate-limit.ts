import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';

/** How many requests that add photos each owner may make a minute (each starts downloads and analysis). */
export class AddRequestLimit {
  private readonly limiter: RateLimiterMemory;

  constructor(perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: Math.max(perMinute, 1), duration: 60 });
  }

  async admit(owner: string): Promise<void> {
    try {
      await this.limiter.consume(owner);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.ceil(rejection.msBeforeNext / 1000);
      throw new AppError('RATE_LIMITED', `too many requests adding photos: try again in ${seconds} s (ADD_REQUESTS_PER_MINUTE)`);
    }
  }
}
