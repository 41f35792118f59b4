import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/actor';

// The dashboard is three static files; the data comes from the API with the user's own token,
// so this controller serves no data and needs no role.
const ASSETS: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

function publicDir(): string {
  const candidates = [join(__dirname, 'public'), join(__dirname, '../../../src/dashboard/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly dir = publicDir();

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return readFileSync(join(this.dir, 'index.html'), 'utf8');
  }

  @Get(':asset')
  @Public()
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    const type = ASSETS[asset];
    if (!type) throw new NotFoundException({ detail: `No dashboard file ${asset}` });
    res.type(type).setHeader('Cache-Control', 'no-cache');
    res.send(readFileSync(join(this.dir, asset), 'utf8'));
  }
}
