import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('region')
export class Region {
  @PrimaryColumn() code: string;
  @Column() name: string;
  @Column() position: number;
}

@Entity('region_country')
export class RegionCountry {
  @PrimaryColumn({ type: 'char', length: 2 }) country: string;
  @Column() regionCode: string;
}
